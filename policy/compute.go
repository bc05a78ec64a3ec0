package policy

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
	"github.com/secure-vpc/secure-vpc/query"
)

// AllowedTLSPolicies are the listener policies Security Hub ELB.17 accepts: TLS 1.2 minimum,
// forward secrecy.
var AllowedTLSPolicies = []string{
	"ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06", "ELBSecurityPolicy-TLS13-1-3-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04", "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04", "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
}

// starOnlyActions are the only actions an identity policy may allow on Resource "*": AWS offers
// no resource-level permission for them, and they reveal or change nothing sensitive.
var starOnlyActions = []string{"ecr:GetAuthorizationToken", "cloudwatch:PutMetricData", "xray:PutTraceSegments", "xray:PutTelemetryRecords"}

const strategyIngress = `Strategy 2, "Controlled Ingress/Egress": "Only the BFFs and other designated public-facing gateways are exposed to the internet"`

var computeInvariants = []Invariant{
	{
		ID:        "EDGE-01",
		Statement: "Only BFF load balancers are internet-facing, each only in public-tier subnets of at least 2 AZs",
		Enforces:  strategyIngress + "; Security Hub ELB.13",
		Covers:    []string{contract.TypeLoadBalancer, contract.TypeALBLoadBalancer, contract.TypeSubnet},
		check:     checkInternetFacing,
	},
	{
		ID:        "EDGE-02",
		Statement: "No security group admits 0.0.0.0/0 or ::/0 except BFF load balancers, on tcp 443 and 80 only",
		Enforces:  strategyIngress + "; Security Hub EC2.18, EC2.19, CIS 5.2/5.3",
		Covers:    []string{contract.TypeSecurityGroup, contract.TypeSGRule, contract.TypeSGIngressRule},
		check:     checkWorldIngress,
	},
	{
		ID:        "EDGE-03",
		Statement: "HTTP listeners only redirect to HTTPS; HTTPS listeners use an allow-listed TLS 1.2+ policy and a certificate, and forward over HTTPS",
		Enforces:  `Strategy 3, "Encryption in Transit" (HTTPS between user and BFF); Security Hub ELB.1, ELB.17`,
		Covers:    []string{contract.TypeListener, contract.TypeALBListener, contract.TypeTargetGroup, contract.TypeALBTargetGroup},
		check:     checkListeners,
	},
	{
		ID:        "EDGE-04",
		Statement: "Every internet-facing load balancer drops invalid headers, writes access logs to the access-log bucket and sits behind a WAF web ACL with AWS managed rules and a rate limit",
		Enforces:  "Security Hub ELB.4, ELB.5, WAF.10; Checkov CKV2_AWS_28, CKV_AWS_192",
		Covers:    []string{contract.TypeLoadBalancer, contract.TypeALBLoadBalancer, contract.TypeWebACL, contract.TypeWebACLAssociation, contract.TypeBucket},
		check:     checkEdgeProtections,
	},
	{
		ID:        "SVC-01",
		Statement: "No task gets a public IP or runs outside the private tier",
		Enforces:  strategyVPC + "; Security Hub ECS.2",
		Covers:    []string{contract.TypeECSService, contract.TypeSubnet},
		check:     checkServicesPrivate,
	},
	{
		ID:        "SVC-02",
		Statement: "Every container runs non-root on a read-only root filesystem with a /tmp it can write, unprivileged with every Linux capability dropped, on a port it can bind, logs to an encrypted log group, and receives secrets only from Secrets Manager",
		Enforces:  `Strategy 3, "Secrets Management"; Security Hub ECS.4, ECS.5, ECS.8, ECS.9, ECS.20`,
		Covers:    []string{contract.TypeTaskDefinition, contract.TypeLogGroup},
		check:     checkTaskDefinitions,
	},
	{
		ID:        "SVC-03",
		Statement: "Every IAM statement on a sensitive action names its resources, and every service trust policy is bound to this account",
		Enforces:  `Strategy 1, "Service-to-Service Security"; Security Hub IAM.21, KMS.1, KMS.2`,
		Covers:    []string{contract.TypeIAMRole, contract.TypeRolePolicy, contract.TypeIAMPolicy},
		check:     checkIAM,
	},
}

func checkInternetFacing(ix *query.Index) (int, []Finding) {
	var fs []Finding
	lbs := ix.LoadBalancers()
	for _, lb := range lbs {
		subnets := query.LoadBalancerSubnets(lb)
		want := contract.Private
		if query.InternetFacing(lb) {
			want = contract.Public
			if query.Tags(lb)[contract.BFFTag] == "" {
				fs = append(fs, finding(lb, "is internet-facing but is not a BFF's load balancer (tag %s); make it internal", contract.BFFTag))
			}
		}
		azs := map[string]bool{}
		for _, id := range subnets {
			s := ix.Ref(id)
			if s == nil || query.Tier(s) != want {
				fs = append(fs, finding(lb, "sits in subnet %s, which is not in the %s tier", id, want))
				continue
			}
			azs[query.Str(s, "availabilityZone")] = true
		}
		if len(azs) < 2 {
			fs = append(fs, finding(lb, "spans %d AZ(s); an ALB needs subnets in at least 2", len(azs)))
		}
	}
	return len(lbs), fs
}

func checkWorldIngress(ix *query.Index) (int, []Finding) {
	var fs []Finding
	groups := ix.OfType(contract.TypeSecurityGroup)
	for _, sg := range groups {
		for _, r := range ix.IngressRules(sg) {
			if !query.IsWorld(r.CIDR) {
				continue
			}
			isLB := query.GroupKind(sg) == contract.LoadBalancerGroup
			okPort := query.IsTCP(r.Proto) && r.From == r.To && (r.From == 443 || r.From == 80)
			switch {
			case !isLB:
				fs = append(fs, finding(r.Source, "admits %s into %s, which is not a BFF load balancer's group", r.CIDR, query.Name(sg)))
			case !okPort:
				fs = append(fs, finding(r.Source, "admits %s %s %d-%d into %s; the internet may reach load balancers on tcp 443 and 80 only", r.CIDR, r.Proto, r.From, r.To, query.Name(sg)))
			}
		}
	}
	return len(groups), fs
}

func checkListeners(ix *query.Index) (int, []Finding) {
	var fs []Finding
	ls := ix.Listeners()
	for _, l := range ls {
		protocol := query.Str(l, "protocol")
		actions := query.ListenerActions(l)
		switch protocol {
		case "", "HTTP":
			if len(actions) != 1 || actions[0].Type != "redirect" || actions[0].RedirectProtocol != "HTTPS" {
				fs = append(fs, finding(l, "serves plain HTTP; an HTTP listener may only redirect to HTTPS"))
			}
		case "HTTPS":
			if policy := query.Str(l, "sslPolicy"); !slices.Contains(AllowedTLSPolicies, policy) {
				fs = append(fs, finding(l, "uses TLS policy %q, which is not on the allow-list (%s)", policy, strings.Join(AllowedTLSPolicies, ", ")))
			}
			if query.Str(l, "certificateArn") == "" {
				fs = append(fs, finding(l, "has no certificate"))
			}
			for _, a := range actions {
				if a.Type != "forward" {
					continue
				}
				if tg := ix.Ref(a.TargetGroupArn); tg != nil && query.Str(tg, "protocol") != "HTTPS" {
					fs = append(fs, finding(l, "forwards to target group %s over %s; traffic to the tasks must stay encrypted", query.Name(tg), query.Str(tg, "protocol")))
				}
			}
		default:
			fs = append(fs, finding(l, "uses protocol %s on an application load balancer", protocol))
		}
	}
	return len(ls), fs
}

func checkEdgeProtections(ix *query.Index) (int, []Finding) {
	var fs []Finding
	checked := 0
	for _, lb := range ix.LoadBalancers() {
		if !query.InternetFacing(lb) {
			continue
		}
		checked++
		if on, _ := query.Bool(lb, "dropInvalidHeaderFields"); !on {
			fs = append(fs, finding(lb, "forwards invalid header fields; set dropInvalidHeaderFields"))
		}
		if on, _ := query.Bool(lb, "enableWafFailOpen"); on {
			fs = append(fs, finding(lb, "lets traffic through when WAF is unavailable (enableWafFailOpen)"))
		}
		logs := query.AccessLogsOf(lb)
		if !logs.Enabled || logs.Bucket == "" {
			fs = append(fs, finding(lb, "does not write access logs"))
		} else if b := ix.Named(contract.TypeBucket, "bucket", logs.Bucket); b == nil || query.Purpose(b) != contract.AccessLogsPurpose {
			fs = append(fs, finding(lb, "writes access logs to %s, which is not the stack's access-log bucket", logs.Bucket))
		}
		acl := ix.WebACLOf(lb)
		if acl == nil {
			fs = append(fs, finding(lb, "has no WAF web ACL"))
			continue
		}
		if query.Str(acl, "scope") != "REGIONAL" {
			fs = append(fs, finding(lb, "web ACL %s is not REGIONAL", query.Name(acl)))
		}
		managed, rate := 0, false
		for _, x := range query.List(acl, "rules") {
			rule, _ := x.(map[string]any)
			stmt, _ := rule["statement"].(map[string]any)
			if m, ok := stmt["managedRuleGroupStatement"].(map[string]any); ok && m["vendorName"] == "AWS" {
				managed++
			}
			if _, ok := stmt["rateBasedStatement"]; ok {
				rate = true
			}
		}
		if managed == 0 {
			fs = append(fs, finding(lb, "web ACL %s applies no AWS managed rule group", query.Name(acl)))
		}
		if !rate {
			fs = append(fs, finding(lb, "web ACL %s has no rate-based rule", query.Name(acl)))
		}
	}
	return checked, fs
}

func checkServicesPrivate(ix *query.Index) (int, []Finding) {
	var fs []Finding
	services := ix.OfType(contract.TypeECSService)
	for _, svc := range services {
		net := query.NetworkOf(svc)
		if !net.Declared {
			fs = append(fs, finding(svc, "has no network configuration, so its tasks would land in the default VPC"))
			continue
		}
		if net.PublicIP {
			fs = append(fs, finding(svc, "gives its tasks public IPs"))
		}
		for _, id := range net.Subnets {
			if s := ix.Ref(id); s == nil || query.Tier(s) != contract.Private {
				fs = append(fs, finding(svc, "runs tasks in subnet %s, which is not in the private tier", id))
			}
		}
		hasService := false
		for _, id := range net.Groups {
			sg := ix.Ref(id)
			if sg == nil {
				fs = append(fs, finding(svc, "uses security group %s, which is not in this stack", id))
				continue
			}
			hasService = hasService || query.GroupKind(sg) == contract.ServiceGroup
		}
		if !hasService {
			fs = append(fs, finding(svc, "has no service security group of its own"))
		}
	}
	return len(services), fs
}

var (
	secretEnvName  = regexp.MustCompile(`(?i)(PASSWORD|SECRET|TOKEN|PRIVATE_?KEY|API_?KEY|CREDENTIAL)`)
	forbiddenEnv   = []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA"}
	secretArnShape = regexp.MustCompile(`^arn:aws:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:`)
)

// writableTmp says how a container with a read-only root filesystem can write temporary files:
// "" when /tmp is a tmpfs its user can write (no ro option, and a mode that lets others write,
// which is tmpfs's own default 1777, or the user as owner), else what is wrong. Nothing else may
// be mounted at /tmp: a Fargate bind-mount volume is owned by root with mode 0755, so a non-root
// user cannot write to it, and an EFS volume's root is owned as its file system says.
func writableTmp(c query.Container) string {
	var tmpfs []string
	for _, t := range c.LinuxParameters.Tmpfs {
		if path.Clean(t.ContainerPath) != "/tmp" {
			continue
		}
		if t.Size <= 0 {
			return "mounts a tmpfs of no size at /tmp"
		}
		tmpfs = append(tmpfs, "tmpfs")
		mode, owner, group := 0o1777, "", ""
		for _, o := range t.MountOptions {
			key, value, _ := strings.Cut(o, "=")
			switch key {
			case "ro":
				return "mounts its /tmp tmpfs read-only"
			case "mode":
				if m, err := strconv.ParseInt(value, 8, 32); err == nil {
					mode = int(m)
				}
			case "uid":
				owner = value
			case "gid":
				group = value
			}
		}
		writable := mode&0o002 != 0 || (owner == c.UID() && mode&0o200 != 0) || (group != "" && group == c.GID() && mode&0o020 != 0)
		if !writable {
			return fmt.Sprintf("mounts its /tmp tmpfs with mode %o owned by %s, which user %s cannot write; leave the mode at its default (1777)", mode, orRoot(owner), c.User)
		}
	}
	for _, m := range c.MountPoints {
		if path.Clean(m.ContainerPath) == "/tmp" {
			tmpfs = append(tmpfs, "volume "+m.SourceVolume)
		}
	}
	switch {
	case len(tmpfs) == 0:
		return "has no writable /tmp; mount a tmpfs at /tmp"
	case len(tmpfs) > 1:
		return fmt.Sprintf("mounts /tmp more than once (%s); mount only a tmpfs there", strings.Join(tmpfs, ", "))
	case tmpfs[0] != "tmpfs":
		return fmt.Sprintf("mounts /tmp from %s, which its non-root user cannot be relied on to write (a Fargate bind mount is owned by root, 0755); mount a tmpfs at /tmp", tmpfs[0])
	}
	return ""
}

func orRoot(uid string) string {
	if uid == "" {
		return "root"
	}
	return "uid " + uid
}

func checkTaskDefinitions(ix *query.Index) (int, []Finding) {
	var fs []Finding
	tds := ix.OfType(contract.TypeTaskDefinition)
	for _, td := range tds {
		if mode := query.Str(td, "networkMode"); mode != "awsvpc" {
			fs = append(fs, finding(td, "uses network mode %q; Fargate tasks use awsvpc", mode))
		}
		if query.Str(td, "pidMode") == "host" || query.Str(td, "ipcMode") == "host" {
			fs = append(fs, finding(td, "shares the host's process or IPC namespace"))
		}
		containers, err := query.Containers(td)
		if err != nil {
			fs = append(fs, finding(td, "has unreadable container definitions"))
			continue
		}
		for _, c := range containers {
			if !c.ReadonlyRootFilesystem {
				fs = append(fs, finding(td, "container %s has a writable root filesystem", c.Name))
			} else if problem := writableTmp(c); problem != "" {
				fs = append(fs, finding(td, "container %s has a read-only root filesystem and %s", c.Name, problem))
			}
			if !c.NonRoot() {
				fs = append(fs, finding(td, "container %s runs as root (user %q)", c.Name, c.User))
			}
			for _, port := range c.LowestPorts() {
				if port < c.LowestBindablePort() {
					fs = append(fs, finding(td, "container %s listens on port %d, which its non-root user cannot bind (below %d: net.ipv4.ip_unprivileged_port_start); use a port of %d or above", c.Name, port, c.LowestBindablePort(), c.LowestBindablePort()))
				}
			}
			if caps := c.LinuxParameters.Capabilities; len(caps.Add) > 0 || !slices.Contains(caps.Drop, "ALL") {
				fs = append(fs, finding(td, "container %s keeps or adds Linux capabilities (add %v, drop %v); drop ALL and add none", c.Name, caps.Add, caps.Drop))
			}
			if c.Privileged {
				fs = append(fs, finding(td, "container %s is privileged", c.Name))
			}
			group := c.LogConfiguration.Options["awslogs-group"]
			if c.LogConfiguration.LogDriver != "awslogs" || ix.Named(contract.TypeLogGroup, "name", group) == nil {
				fs = append(fs, finding(td, "container %s does not log to a log group of this stack", c.Name))
			}
			for _, e := range c.Environment {
				// A Secrets Manager ARN names where a secret is, for the code to read when it needs
				// it (a rotating master password); it is not secret material.
				reference := secretArnShape.MatchString(e.Value)
				if slices.Contains(forbiddenEnv, e.Name) || (secretEnvName.MatchString(e.Name) && e.Value != "" && !reference) {
					fs = append(fs, finding(td, "container %s passes %s in its environment; inject it from Secrets Manager", c.Name, e.Name))
				}
			}
			for _, sec := range c.Secrets {
				if !secretArnShape.MatchString(sec.ValueFrom) {
					fs = append(fs, finding(td, "container %s takes %s from %q, not from Secrets Manager", c.Name, sec.Name, sec.ValueFrom))
				}
			}
		}
	}
	return len(tds), fs
}

func checkIAM(ix *query.Index) (int, []Finding) {
	var fs []Finding
	checked := 0
	policies := ix.IdentityPolicies()
	holders := make([]*query.Resource, 0, len(policies))
	for r := range policies {
		holders = append(holders, r)
	}
	sort.Slice(holders, func(i, j int) bool { return holders[i].URN < holders[j].URN })
	for _, r := range holders {
		for _, doc := range policies[r] {
			checked++
			for _, st := range doc.Statement {
				if st.Effect != policydoc.Allow {
					continue
				}
				if neg := st.Negated(); neg != "" {
					fs = append(fs, finding(r, "%s", negatedAllow(st)))
					continue
				}
				wild := len(st.Resource) == 0
				for _, res := range st.Resource {
					wild = wild || res == "*"
				}
				if !wild {
					continue
				}
				for _, a := range st.Action {
					if !slices.Contains(starOnlyActions, a) {
						fs = append(fs, finding(r, "statement %s allows %s on every resource; name the resources", st.Sid, a))
					}
				}
			}
		}
	}
	for _, role := range ix.OfType(contract.TypeIAMRole) {
		checked++
		doc, err := policydoc.Parse(query.Str(role, "assumeRolePolicy"))
		if err != nil {
			fs = append(fs, finding(role, "has no valid trust policy"))
			continue
		}
		for _, st := range doc.Statement {
			if st.Effect != policydoc.Allow {
				continue
			}
			if st.Negated() != "" {
				fs = append(fs, finding(role, "trust policy %s", negatedAllow(st)))
				continue
			}
			if len(st.Principals()["Service"]) > 0 {
				cond := fmt.Sprint(st.Condition)
				if !strings.Contains(cond, "aws:SourceAccount") && !strings.Contains(cond, "aws:SourceArn") {
					fs = append(fs, finding(role, "trusts %v without aws:SourceAccount or aws:SourceArn (confused deputy)", st.Principals()["Service"]))
				}
			}
			if len(st.Principals()["*"]) > 0 || slices.Contains(st.Principals()["AWS"], "*") {
				fs = append(fs, finding(role, "can be assumed by anyone"))
			}
		}
	}
	return checked, fs
}
