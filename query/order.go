package query

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/naming"
)

// DependsOn returns the URNs of every resource that must exist before r, following the
// dependencies a plan or export records (direct ones, then theirs).
func (ix *Index) DependsOn(r *Resource) map[string]bool {
	seen := map[string]bool{}
	stack := append([]string(nil), r.Dependencies...)
	for len(stack) > 0 {
		urn := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[urn] {
			continue
		}
		seen[urn] = true
		if d := ix.URN(urn); d != nil {
			stack = append(stack, d.Dependencies...)
		}
	}
	return seen
}

// Prerequisite is a resource of the stack that must be created before another, and why.
type Prerequisite struct {
	Resource *Resource
	AnyOf    []*Resource // when set, any one of these created first will do (Resource is the first)
	Why      string      // what it does for the other resource, in words
}

// LogExport is a log type a database exports to CloudWatch Logs, and the log group it writes to
// (nil when the stack does not hold it: RDS would then create it itself).
type LogExport struct {
	Kind      string // "postgresql", "upgrade"
	GroupName string // /aws/rds/instance/<identifier>/<kind>
	Group     *Resource
}

// OrderSubject is a resource whose creation AWS checks against others, or whose tasks need
// others when they start, with what it needs.
type OrderSubject struct {
	Resource      *Resource
	Prerequisites []Prerequisite
	LogExports    []LogExport // databases: the log groups it needs to exist first
}

// CreateOrder lists, for every resource whose creation depends on another existing first, what it
// needs: S3 access logging and load balancers their log bucket's policy; Object Lock
// configurations their bucket's versioning; internet-facing load
// balancers and public NAT gateways the internet gateway; flow logs their role's policy;
// databases their log groups; ECS services what their tasks use as they start (see
// serviceStartNeeds). Subjects come in that order, each type in export order.
func (ix *Index) CreateOrder() []OrderSubject {
	var out []OrderSubject
	bucketPolicies := func(s *OrderSubject, bucketName, why string) {
		b := ix.Named(contract.TypeBucket, "bucket", bucketName)
		if b == nil {
			return // a bucket outside the stack: its policy is not this stack's to order
		}
		for _, p := range ix.SideResources(b, contract.TypeBucketPolicy) {
			s.need(p, why)
		}
	}

	for _, l := range ix.OfType(contract.TypeBucketLogging) {
		s := OrderSubject{Resource: l}
		bucketPolicies(&s, Str(l, "targetBucket"), "S3 checks when logging is turned on (InvalidTargetBucketForLogging until the target bucket admits the logging service)")
		out = append(out, s)
	}
	for _, lock := range ix.OfType(contract.TypeBucketObjectLock) {
		s := OrderSubject{Resource: lock}
		b := ix.Named(contract.TypeBucket, "bucket", Str(lock, "bucket"))
		if b == nil {
			b = ix.Ref(Str(lock, "bucket"))
		}
		if b != nil && b.Type == contract.TypeBucket {
			for _, v := range ix.SideResources(b, contract.TypeBucketVersioning) {
				s.need(v, "S3 turns Object Lock on for an existing bucket only once versioning is on (InvalidBucketState otherwise)")
			}
		}
		out = append(out, s)
	}
	for _, lb := range ix.LoadBalancers() {
		logs := AccessLogsOf(lb)
		if !logs.Enabled && !InternetFacing(lb) {
			continue
		}
		s := OrderSubject{Resource: lb}
		if logs.Enabled {
			bucketPolicies(&s, logs.Bucket, "Elastic Load Balancing checks when access logs are turned on")
		}
		if InternetFacing(lb) {
			vpcs := map[string]bool{}
			for _, sid := range LoadBalancerSubnets(lb) {
				if subnet := ix.Ref(sid); subnet != nil {
					vpcs[Str(subnet, "vpcId")] = true
				}
			}
			for id := range vpcs {
				for _, igw := range ix.Where(contract.TypeInternetGateway, "vpcId", id) {
					s.need(igw, "an internet-facing load balancer needs attached to its VPC (InvalidSubnet otherwise)")
				}
			}
		}
		out = append(out, s)
	}
	for _, nat := range ix.OfType(contract.TypeNatGateway) {
		if Str(nat, "connectivityType") == "private" {
			continue
		}
		s := OrderSubject{Resource: nat}
		if subnet := ix.Ref(Str(nat, "subnetId")); subnet != nil {
			for _, igw := range ix.Where(contract.TypeInternetGateway, "vpcId", Str(subnet, "vpcId")) {
				s.need(igw, "a public NAT gateway needs attached to its VPC")
			}
		}
		out = append(out, s)
	}
	for _, fl := range ix.OfType(contract.TypeFlowLog) {
		role := ix.Ref(Str(fl, "iamRoleArn"))
		if role == nil {
			continue
		}
		s := OrderSubject{Resource: fl}
		for _, p := range ix.Where(contract.TypeRolePolicy, "role", Str(role, "name")) {
			s.need(p, "grants the flow log its delivery permissions")
		}
		out = append(out, s)
	}
	for _, db := range ix.OfType(contract.TypeDBInstance) {
		s := OrderSubject{Resource: db}
		id := Str(db, "identifier")
		for _, kind := range Strings(db, "enabledCloudwatchLogsExports") {
			name := naming.RDSLogGroup(id, kind)
			group := ix.Named(contract.TypeLogGroup, "name", name)
			s.LogExports = append(s.LogExports, LogExport{Kind: kind, GroupName: name, Group: group})
			if group != nil {
				s.need(group, "RDS would otherwise create unencrypted and without a retention")
			}
		}
		out = append(out, s)
	}
	for _, svc := range ix.OfType(contract.TypeECSService) {
		s := OrderSubject{Resource: svc}
		ix.serviceStartNeeds(&s, svc)
		out = append(out, s)
	}
	return out
}

func (s *OrderSubject) need(dep *Resource, why string) {
	if dep != nil {
		s.Prerequisites = append(s.Prerequisites, Prerequisite{Resource: dep, Why: why})
	}
}

// serviceStartNeeds lists what an ECS service's tasks use as they start: the secrets ECS injects
// (their values and policies), the policies of both roles, the security-group rules of their
// groups, the VPC endpoints and routes of their subnets, and the listener of their target group.
func (ix *Index) serviceStartNeeds(s *OrderSubject, svc *Resource) {
	if td := ix.Ref(Str(svc, "taskDefinition")); td != nil {
		var containers []struct {
			Secrets []struct {
				ValueFrom string `json:"valueFrom"`
			} `json:"secrets"`
			Environment []struct {
				Value string `json:"value"`
			} `json:"environment"`
		}
		_ = json.Unmarshal([]byte(Str(td, "containerDefinitions")), &containers)
		for _, ct := range containers {
			for _, sec := range ct.Secrets {
				ix.secretNeeds(s, SecretArnOf(sec.ValueFrom))
			}
			// A task told to obtain its certificate from an AWS Private CA of the stack needs the
			// CA active: its certificate installed.
			for _, env := range ct.Environment {
				if ca := ix.Ref(env.Value); ca != nil && ca.Type == contract.TypePCACertificateAuthority {
					for _, inst := range ix.Where(contract.TypePCACertificateAuthorityCertificate, "certificateAuthorityArn", env.Value) {
						s.need(inst, "installs the certificate of the CA the task obtains its certificate from (until then the CA issues nothing)")
					}
				}
			}
		}
		for _, key := range []string{"executionRoleArn", "taskRoleArn"} {
			if role := ix.Ref(Str(td, key)); role != nil {
				for _, p := range ix.Where(contract.TypeRolePolicy, "role", Str(role, "name")) {
					s.need(p, "grants the task's "+strings.TrimSuffix(key, "RoleArn")+" role what it uses at start")
				}
			}
		}
	}
	lbGroups := map[string]bool{}
	for _, x := range List(svc, "loadBalancers") {
		m, _ := x.(map[string]any)
		tg, _ := m["targetGroupArn"].(string)
		var attaching []*Resource
		for _, l := range ix.Listeners() {
			for _, a := range ListenerActions(l) {
				if tg != "" && a.TargetGroupArn == tg {
					attaching = append(attaching, l)
					if lb := ix.LoadBalancerOf(l); lb != nil {
						for _, g := range Strings(lb, "securityGroups") {
							lbGroups[g] = true
						}
					}
				}
			}
		}
		// ECS refuses a target group that no load balancer uses yet: one listener must come first.
		if len(attaching) > 0 {
			s.Prerequisites = append(s.Prerequisites, Prerequisite{Resource: attaching[0], AnyOf: attaching,
				Why: "attaches the target group to a load balancer (ECS refuses a target group without one)"})
		}
	}
	net := NetworkOf(svc)
	worldEgress := false
	for _, g := range net.Groups {
		// What the tasks send (their groups' egress rules, and the peers' ingress rules that
		// admit them), and their load balancer's health checks.
		for _, rule := range ix.Where(contract.TypeSGEgressRule, "securityGroupId", g) {
			s.need(rule, "lets the tasks' traffic out")
			worldEgress = worldEgress || IsWorld(Str(rule, "cidrIpv4")+Str(rule, "cidrIpv6"))
		}
		for _, rule := range ix.Where(contract.TypeSGIngressRule, "referencedSecurityGroupId", g) {
			s.need(rule, "lets the tasks' traffic in where it goes")
		}
		for _, rule := range ix.Where(contract.TypeSGIngressRule, "securityGroupId", g) {
			if lbGroups[Str(rule, "referencedSecurityGroupId")] {
				s.need(rule, "admits the load balancer's health checks")
			}
		}
		for _, rule := range ix.Where(contract.TypeSGEgressRule, "referencedSecurityGroupId", g) {
			if lbGroups[Str(rule, "securityGroupId")] {
				s.need(rule, "lets the load balancer's health checks out")
			}
		}
	}
	for _, lb := range ix.LoadBalancers() {
		if slices.ContainsFunc(Strings(lb, "securityGroups"), func(g string) bool { return lbGroups[g] }) {
			for _, sid := range LoadBalancerSubnets(lb) {
				ix.subnetNeeds(s, ix.Ref(sid), "the load balancer's health checks cross")
			}
		}
	}
	vpcs := map[string]bool{}
	for _, sid := range net.Subnets {
		subnet := ix.Ref(sid)
		if subnet == nil {
			continue
		}
		ix.subnetNeeds(s, subnet, "the tasks' traffic crosses")
		vpcs[Str(subnet, "vpcId")] = true
		for _, rt := range ix.SubnetRouteTables(subnet) {
			for _, route := range ix.Routes(rt) {
				switch {
				case route.TargetKind == contract.VPCEndpointTarget:
					s.need(route.Source, "carries the tasks' S3 traffic (image layers)")
				case worldEgress && IsDefaultRoute(route.Destination) && route.Source != rt:
					s.need(route.Source, "carries the tasks' internet egress")
					// ... through a NAT gateway, whose own subnet must carry it on.
					if nat := ix.Ref(route.Target); nat != nil && nat.Type == contract.TypeNatGateway {
						natSubnet := ix.Ref(Str(nat, "subnetId"))
						ix.subnetNeeds(s, natSubnet, "the tasks' internet egress crosses at the NAT gateway")
						if natSubnet != nil {
							for _, nrt := range ix.SubnetRouteTables(natSubnet) {
								for _, r := range ix.Routes(nrt) {
									if IsDefaultRoute(r.Destination) && r.TargetKind == contract.InternetGatewayTarget && r.Source != nrt {
										s.need(r.Source, "takes the NAT gateway's traffic to the internet")
									}
								}
							}
						}
					}
				}
			}
		}
	}
	for id := range vpcs {
		for _, ep := range ix.Where(contract.TypeVpcEndpoint, "vpcId", id) {
			if IsInterfaceEndpoint(ep) {
				s.need(ep, "the tasks pull their image, read their secrets and write their logs through")
			}
		}
	}
}

// subnetNeeds adds what makes a subnet carry traffic: its network ACL association and that ACL's
// rules (until the association exists the subnet uses the VPC's default network ACL), and its
// route table association (until then, the main route table).
func (ix *Index) subnetNeeds(s *OrderSubject, subnet *Resource, what string) {
	if subnet == nil {
		return
	}
	for _, a := range ix.Where(contract.TypeNetworkACLAssoc, "subnetId", subnet.ID) {
		s.need(a, "gives the subnet "+what+" its network ACL (the VPC's default one until then)")
		if acl := ix.Ref(Str(a, "networkAclId")); acl != nil {
			for _, r := range ix.Where(contract.TypeNetworkACLRule, "networkAclId", acl.ID) {
				s.need(r, "is a rule of the network ACL "+what)
			}
		}
	}
	for _, a := range ix.Where(contract.TypeRouteTableAssoc, "subnetId", subnet.ID) {
		s.need(a, "gives the subnet "+what+" its routes (the main route table until then)")
	}
}

// secretNeeds adds what a secret needs before a task can read it: its value and its policy, or,
// for a secret RDS manages, the database that creates it.
func (ix *Index) secretNeeds(s *OrderSubject, arn string) {
	if secret := ix.secretByArn(arn); secret != nil {
		for _, key := range []string{secret.ID, Str(secret, "arn")} {
			for _, v := range ix.Where(contract.TypeSecretVersion, "secretId", key) {
				s.need(v, "holds the value ECS injects when a task starts")
			}
		}
		for _, p := range ix.SecretPolicies(secret) {
			s.need(p, "admits the task's execution role")
		}
		return
	}
	for _, db := range ix.OfType(contract.TypeDBInstance) {
		for _, x := range List(db, "masterUserSecrets") {
			if m, _ := x.(map[string]any); m["secretArn"] == arn {
				s.need(db, "creates the master secret ECS injects")
			}
		}
	}
}

// SecretArnOf strips the JSON key, version stage and version id ECS accepts after a secret's
// ARN in valueFrom (arn:aws:secretsmanager:<region>:<account>:secret:<name>:<key>:<stage>:<id>).
func SecretArnOf(valueFrom string) string {
	parts := strings.Split(valueFrom, ":")
	if len(parts) > 7 {
		return strings.Join(parts[:7], ":")
	}
	return valueFrom
}
