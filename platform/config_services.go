package platform

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/naming"
	"github.com/secure-vpc/secure-vpc/network/netplan"
)

type rawService struct {
	Public          bool     `json:"public"`
	Port            int      `json:"port"`
	Image           string   `json:"image"`
	ImageTag        string   `json:"imageTag"`
	Calls           []string `json:"calls"`
	Egress          []string `json:"egress"`
	InternetEgress  bool     `json:"internetEgress"` // replaced by egress: only false is accepted
	CPU             *int     `json:"cpu"`
	Memory          *int     `json:"memory"`
	DesiredCount    *int     `json:"desiredCount"`
	HealthCheckPath string   `json:"healthCheckPath"`
}

// Image references and health-check paths the loader accepts.
var (
	imagePattern  = regexp.MustCompile(`^[a-z0-9]([a-z0-9._/-]*[a-z0-9])?(:[0-9]+)?/?[a-z0-9._/-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$`)
	healthPattern = regexp.MustCompile(`^/[A-Za-z0-9._~/-]{0,999}$`)
)

func loadServices(src Source, spec *Spec, ps *problems) {
	key := nsKey(keyServices)
	count, present := eachEntry(src, keyServices, naming.Service, ps, func(name, sk string, rs *rawService, ok bool) {
		if !ok {
			spec.Services[name] = Service{Name: name, Public: rs.Public}
			return
		}
		env := spec.Environment
		svc := Service{
			Name: name, Public: rs.Public, Port: rs.Port, Image: rs.Image, ImageTag: rs.ImageTag, Calls: rs.Calls, Egress: rs.Egress, InternetEgress: len(rs.Egress) > 0,
			CPU:             serviceCPU.resolve(sk, env, rs.CPU, ps),
			Memory:          serviceMemory.resolve(sk, env, rs.Memory, ps),
			DesiredCount:    serviceDesiredCount.resolve(sk, env, rs.DesiredCount, ps),
			HealthCheckPath: serviceHealthCheckPath.resolve(sk, env, given(rs.HealthCheckPath), ps),
		}
		if rs.InternetEgress {
			ps.add(sk+".internetEgress", "opens HTTPS to any address on the internet, and is replaced by egress: declare the host names the service calls (egress: [api.example.com, \"*.example.com\"]) and remove internetEgress")
		}
		for _, dest := range rs.Egress {
			if problem := awslimits.EgressNameProblem(dest); problem != "" {
				ps.add(sk+".egress", "%q %s", dest, problem)
			}
		}
		checkPort(sk+".port", svc.Port, awslimits.TaskPorts, ps)
		checkServiceImage(sk, svc, spec, ps)
		switch {
		case awslimits.FargateMemoryChoices(svc.CPU) == "":
			ps.add(sk+".cpu", "%d is not a Fargate task CPU size; use %s (CPU units)", svc.CPU, awslimits.FargateCPUChoices())
		case !awslimits.ValidFargateSize(svc.CPU, svc.Memory):
			ps.add(sk+".memory", "cpu %d with memory %d is not a Fargate task size; cpu %d takes memory %s (MiB)", svc.CPU, svc.Memory, svc.CPU, awslimits.FargateMemoryChoices(svc.CPU))
		}
		switch {
		case !healthPattern.MatchString(svc.HealthCheckPath):
			ps.add(sk+".healthCheckPath", "%q is not a URL path such as /healthz", svc.HealthCheckPath)
		case rs.HealthCheckPath != "" && !svc.Public:
			ps.add(sk+".healthCheckPath", "has no effect: only a BFF's load balancer checks health (ECS restarts a private service's tasks when they exit); remove it")
		}
		if d := naming.Check(naming.BFF, name, src.Stack); svc.Public && d != nil && naming.Check(naming.Service, name, src.Stack) == nil {
			ps.add(sk, "the name is too long for a BFF: the %s derived from it would be %d characters and AWS allows %d; use at most %d characters", d.What, d.Physical(), d.Max, naming.MaxLength(naming.BFF, src.Stack))
		}
		if lb := naming.LoadBalancer(name); svc.Public && strings.HasPrefix(lb, awslimits.LoadBalancerReservedPrefix) {
			ps.add(sk, "the BFF's load balancer would be named %s-..., and Elastic Load Balancing refuses names that begin with %q (it reserves them for internal load balancers' DNS names); rename the service", lb, awslimits.LoadBalancerReservedPrefix)
		}
		spec.Services[name] = svc
	})
	switch {
	case !present:
		ps.add(key, "required; declare at least one service (see README, config reference)")
	case count == 0:
		ps.add(key, "declares no service; declare at least one")
	}
	checkEgressCount(spec, ps)
}

// checkEgressCount refuses more services declaring egress than the DNS Firewall's rule group
// has priorities for (netplan.MaxEgressServices: each such service gets one allow rule between
// the platform's rule and the block-all rule).
func checkEgressCount(spec *Spec, ps *problems) {
	var with []string
	for _, name := range sortedNames(spec.Services) {
		if len(spec.Services[name].Egress) > 0 {
			with = append(with, name)
		}
	}
	if len(with) > netplan.MaxEgressServices {
		ps.add(nsKey(keyServices), "%d services declare egress, and the DNS Firewall's rule group has room for at most %d (one allow rule each, before the rule that blocks every other name); remove egress from %d of them (the first beyond the limit is %s)",
			len(with), netplan.MaxEgressServices, len(with)-netplan.MaxEgressServices, with[netplan.MaxEgressServices])
	}
}

// checkServiceImage says why a service's image is refused: neither image nor imageTag, or both;
// a malformed reference or tag; an image the task cannot pull (imagePullProblem); in staging
// and prod, an image that is neither pinned by digest nor in the stack's own repository.
func checkServiceImage(sk string, svc Service, spec *Spec, ps *problems) {
	if svc.ImageTag != "" {
		if svc.Image != "" {
			ps.add(sk+".imageTag", "is exclusive with image; keep imageTag: %s to run the image from the stack's own repository of %s, or image to run another, not both", svc.ImageTag, svc.Name)
		} else if problem := imageTagProblem(svc.ImageTag); problem != "" {
			ps.add(sk+".imageTag", "%s", problem)
		}
		return
	}
	if problem := imageProblem(svc.Image); problem != "" {
		ps.add(sk+".image", "%s", problem)
		return
	}
	if problem := stackRepositoryProblem(svc.Image, svc.Name, spec.Stack, sk); problem != "" {
		ps.add(sk+".image", "%s", problem)
		return
	}
	if problem := imagePullProblem(svc.Image, svc.Egress, spec.Region, sk+".egress"); problem != "" {
		ps.add(sk+".image", "%s", problem)
		return
	}
	if problem := pinProblem(svc.Image, spec.Environment, sk+".imageTag: <tag>"); problem != "" {
		ps.add(sk+".image", "%s", problem)
	}
}

// stackRepositoryProblem says why a service's image is refused that names one of the stack's own
// ECR repositories (naming.Repository: secure-vpc-<stack>/<service>, in any ECR registry): its
// own is named by imageTag, which the loader resolves with the account; another service's
// repository policy denies pulling to all but that service's execution roles (and the
// migrations whose image is in it), so the task could never pull it. sk is the service's key.
func stackRepositoryProblem(image, service, stack, sk string) string {
	if awslimits.ECRPrivateRegistry.FindStringSubmatch(registryOf(image)) == nil {
		return ""
	}
	path := strings.TrimPrefix(image, registryOf(image)+"/")
	prefix := naming.Repository("", stack)
	if !strings.HasPrefix(path, prefix) {
		return ""
	}
	owner, _, _ := strings.Cut(strings.TrimPrefix(path, prefix), "@")
	owner, _, _ = strings.Cut(owner, ":")
	if owner == service {
		return fmt.Sprintf("%s is in the stack's own repository of %s; name it with %s.imageTag instead of image, which the stack resolves to its repository in the account it deploys to", image, service, sk)
	}
	return fmt.Sprintf("%s is in the stack's repository of %s, whose policy lets only the execution roles of service %s pull: the task could never pull it; push the image to %s's own repository and set %s.imageTag", image, owner, owner, service, sk)
}

// imageTagProblem says why an imageTag is refused: it is a tag (awslimits.ECRImageTag) other
// than latest, or a digest sha256:<64 hex>.
func imageTagProblem(tag string) string {
	switch {
	case tag == "latest":
		return "latest is a mutable tag by convention; push the image with a version tag (1.4.2, or the commit id) and name that tag, or its sha256: digest"
	case strings.HasPrefix(tag, "sha256:") && !awslimits.ImageDigest.MatchString(tag):
		return fmt.Sprintf("%q is not a digest: sha256: and 64 lowercase hex digits", tag)
	case !strings.HasPrefix(tag, "sha256:") && !awslimits.ECRImageTag.MatchString(tag):
		return fmt.Sprintf("%q is not an image tag (1-128 letters, digits, _ . -, not starting with . or -) or a sha256:<digest>", tag)
	}
	return ""
}

// imagePullProblem says why a task could not pull an image ("" when it can): from ECR of the
// stack's region it pulls through the VPC endpoints; from anywhere else it needs every host name
// of the registry (awslimits.RegistryPullHosts) among its egress destinations, which it reaches
// through NAT. egressKey is the key that declares them.
func imagePullProblem(image string, egress []string, region, egressKey string) string {
	if pullsThroughEndpoints(image, region) {
		return ""
	}
	registry := registryOf(image)
	if host, port, found := strings.Cut(registry, ":"); found {
		if port != "443" {
			return fmt.Sprintf("%s is pulled from %s, which the task cannot reach at any egress destination: only HTTPS on port 443 leaves the VPC (the task's security group opens no other port); push the image to the service's own repository (imageTag) or another ECR repository in %s",
				image, registry, region)
		}
		registry = host // HTTPS's own port: the host name is what DNS Firewall and egress see
	}
	if len(egress) == 0 {
		return fmt.Sprintf("%s is pulled from %s, which the task cannot reach: without egress destinations it reaches only the VPC endpoints, which serve ECR in %s; push the image to the stack's own repository (imageTag) or another ECR repository in %s, or declare %s under %s (with a NAT strategy)",
			image, registry, region, region, strings.Join(awslimits.RegistryPullHosts(registry), ", "), egressKey)
	}
	var missing []string
	for _, host := range awslimits.RegistryPullHosts(registry) {
		if !slices.ContainsFunc(egress, func(d string) bool { return awslimits.EgressCovers(d, host) }) {
			missing = append(missing, host)
		}
	}
	if len(missing) > 0 {
		return fmt.Sprintf("%s is pulled from %s, and the task reaches the internet only at its egress destinations, which lack %s; add them to %s, or push the image to the stack's own repository (imageTag) or another ECR repository in %s",
			image, registry, strings.Join(missing, ", "), egressKey, region)
	}
	return ""
}

// pinProblem says why an image is refused in staging and prod ("" when it is not, and always in
// dev): there a task's image is pinned by digest, or comes from the stack's own repository,
// whose tags are immutable (fix names that key).
func pinProblem(image string, env Environment, fix string) string {
	if env != Staging && env != Prod || strings.Contains(image, "@sha256:") {
		return ""
	}
	return fmt.Sprintf("%s names a tag, which its registry may move to another image; in %s a task's image is pinned by digest (<repository>@sha256:<digest>) or comes from the stack's own immutable repository (%s)", image, env, fix)
}

// imageProblem says why an image reference is refused ("" when it is not): missing, the mutable
// tag latest, or neither a tag nor a digest.
func imageProblem(image string) string {
	switch {
	case image == "":
		return "required; give the container image as <repository>:<tag> or <repository>@sha256:<digest>"
	case strings.HasSuffix(image, ":latest"):
		return fmt.Sprintf("%q uses the mutable tag latest; pin a version tag or a digest so deploys are repeatable", image)
	case !imagePattern.MatchString(image):
		return fmt.Sprintf("%q is not an image reference with a tag or digest (<repository>:<tag> or <repository>@sha256:<digest>)", image)
	}
	return ""
}

// registryOf is the registry host of an image reference (docker.io when it names none).
func registryOf(image string) string {
	first, _, found := strings.Cut(image, "/")
	if !found || !strings.ContainsAny(first, ".:") && first != "localhost" {
		return "docker.io"
	}
	return first
}

// pullsThroughEndpoints reports whether a task can pull an image with no route to the internet:
// from a private ECR registry of the stack's region, through the ecr.api, ecr.dkr and S3
// endpoints (the layers are in that region's S3).
func pullsThroughEndpoints(image, region string) bool {
	m := awslimits.ECRPrivateRegistry.FindStringSubmatch(registryOf(image))
	return m != nil && m[1] == region
}

// checkImageAccounts says which services pull their image from the ECR registry of another
// account in the stack's region. ECR of that region is reached through the VPC endpoints (their
// private DNS names answer for it, with or without NAT), and their policies admit only this
// account's repositories (aws:ResourceAccount, netplan.EndpointPolicy), so such a pull would be
// refused at run time. Build calls it once the account is known, before registering anything.
func checkImageAccounts(spec *Spec, account string) error {
	var ps problems
	for _, name := range sortedNames(spec.Services) {
		image := spec.Services[name].Image
		registry := registryOf(image)
		m := awslimits.ECRPrivateRegistry.FindStringSubmatch(registry)
		if m == nil || m[1] != spec.Region || strings.HasPrefix(registry, account+".") {
			continue
		}
		ps.add(nsKey(keyServices)+"."+name+".image", "%s is in the ECR registry of account %s, but the stack deploys to account %s, and the VPC endpoints that serve ECR in %s admit only this account's repositories (aws:ResourceAccount); push the image to %s",
			image, registry[:12], account, spec.Region, awslimits.ECRRegistryHost(account, spec.Region))
	}
	checkDeployAccounts(spec, account, &ps)
	return ps.err(spec.Stack)
}

// checkDeployAccounts says which deploying roles (deploy.roleArns) are in another account than
// the stack's: a deploying role runs pulumi up in the stack's account, and every secret's policy
// (and the signing key's) exempts only these ARNs from its Deny, so a role of another account
// would leave no one who may change them. deploy.imagePushRoleArns may name another account's
// CI role (a cross-account push the repository policy allows), and is not checked.
func checkDeployAccounts(spec *Spec, account string, ps *problems) {
	for _, arn := range spec.DeployRoleArns {
		if other := roleAccount(arn); other != account {
			ps.add(nsKey(keyDeploy)+".roleArns", "%s is a role of account %s, but the stack deploys to account %s, where its deploying roles run pulumi up and are the only principals its secrets and signing key let change them; name a role of account %s",
				arn, other, account, account)
		}
	}
}

// roleAccount is the account of an IAM role ARN (arn:aws:iam::<account>:role/...), "" when it
// has none.
func roleAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}
