package policy

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

// More type tokens the ordering invariant reads.
const (
	TypeBucketLogging = "aws:s3/bucketLoggingV2:BucketLoggingV2"
	TypeSecretVersion = "aws:secretsmanager/secretVersion:SecretVersion"
)

var orderInvariants = []Invariant{
	{
		ID: "ORDER-01",
		Statement: "What AWS checks when a resource is created, and what a task needs when it starts, is created first: " +
			"S3 access logging and load balancers after their log bucket's policy, internet-facing load balancers after the internet gateway; " +
			"ECS services after the secret values and policies, " +
			"role policies, security-group rules, network ACL and route table associations (with their rules and routes), VPC endpoints and routes their tasks use, " +
			"the NAT gateway's subnet when they reach the internet, and the listener of their target group; " +
			"NAT gateways after the internet gateway; flow logs after their role's policy; databases after their log groups",
		Enforces: "Deploys the first time, in any order the engine picks: S3 InvalidTargetBucketForLogging, ELB access-log permission check, " +
			"ECS target group without a load balancer, tasks failing to start (ResourceInitializationError), NAT gateway without an internet gateway, " +
			"RDS creating its log groups unencrypted",
		check: checkCreateOrder,
	},
}

// dependsOn returns every resource that must exist before r, following the dependencies a plan
// or export records (direct ones, then theirs).
func (ix *Index) dependsOn(r *Resource) map[string]bool {
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

// orderCheck collects, for one resource, what must come before it and why.
type orderCheck struct {
	ix       *Index
	r        *Resource
	before   map[string]bool
	reported map[string]bool
	findings []Finding
}

func (c *orderCheck) need(dep *Resource, why string) {
	if dep == nil || dep == c.r || c.before[dep.URN] || c.reported[dep.URN] {
		return
	}
	c.reported[dep.URN] = true
	c.findings = append(c.findings, finding(c.r, "can be created before %s (%s), which %s; make it depend on it", Name(dep), shortType(dep.Type), why))
}

func shortType(t string) string {
	if i := strings.LastIndex(t, ":"); i >= 0 {
		return t[i+1:]
	}
	return t
}

func checkCreateOrder(ix *Index) (int, []Finding) {
	var fs []Finding
	checked := 0
	run := func(r *Resource, body func(c *orderCheck)) {
		checked++
		c := &orderCheck{ix: ix, r: r, before: ix.dependsOn(r), reported: map[string]bool{}}
		body(c)
		fs = append(fs, c.findings...)
	}
	bucketPolicies := func(c *orderCheck, bucketName, why string) {
		b := ix.Named(TypeBucket, "bucket", bucketName)
		if b == nil {
			return // a bucket outside the stack: its policy is not this stack's to order
		}
		for _, p := range ix.SideResources(b, TypeBucketPolicy) {
			c.need(p, why)
		}
	}

	for _, l := range ix.OfType(TypeBucketLogging) {
		run(l, func(c *orderCheck) {
			bucketPolicies(c, Str(l, "targetBucket"), "S3 checks when logging is turned on (InvalidTargetBucketForLogging until the target bucket admits the logging service)")
		})
	}
	for _, lb := range ix.loadBalancers() {
		v, _ := Prop(lb, "accessLogs")
		logs, _ := v.(map[string]any)
		logging, _ := logs["enabled"].(bool)
		if !logging && !internetFacing(lb) {
			continue
		}
		run(lb, func(c *orderCheck) {
			if logging {
				bucket, _ := logs["bucket"].(string)
				bucketPolicies(c, bucket, "Elastic Load Balancing checks when access logs are turned on")
			}
			if internetFacing(lb) {
				vpcs := map[string]bool{}
				for _, sid := range Strings(lb, "subnets") {
					if s := ix.Ref(sid); s != nil {
						vpcs[Str(s, "vpcId")] = true
					}
				}
				for id := range vpcs {
					for _, igw := range ix.Where(TypeInternetGateway, "vpcId", id) {
						c.need(igw, "an internet-facing load balancer needs attached to its VPC (InvalidSubnet otherwise)")
					}
				}
			}
		})
	}
	for _, nat := range ix.OfType(TypeNatGateway) {
		if Str(nat, "connectivityType") == "private" {
			continue
		}
		run(nat, func(c *orderCheck) {
			if subnet := ix.Ref(Str(nat, "subnetId")); subnet != nil {
				for _, igw := range ix.Where(TypeInternetGateway, "vpcId", Str(subnet, "vpcId")) {
					c.need(igw, "a public NAT gateway needs attached to its VPC")
				}
			}
		})
	}
	for _, fl := range ix.OfType(TypeFlowLog) {
		role := ix.Ref(Str(fl, "iamRoleArn"))
		if role == nil {
			continue
		}
		run(fl, func(c *orderCheck) {
			for _, p := range ix.Where(TypeRolePolicy, "role", Str(role, "name")) {
				c.need(p, "grants the flow log its delivery permissions")
			}
		})
	}
	for _, db := range ix.OfType(TypeDBInstance) {
		id := Str(db, "identifier")
		run(db, func(c *orderCheck) {
			for _, kind := range Strings(db, "enabledCloudwatchLogsExports") {
				name := fmt.Sprintf("/aws/rds/instance/%s/%s", id, kind)
				group := ix.Named(TypeLogGroup, "name", name)
				if group == nil {
					c.findings = append(c.findings, finding(db, "exports %s logs, but the stack has no log group %s: RDS would create it unencrypted and without a retention", kind, name))
					continue
				}
				c.need(group, "RDS would otherwise create unencrypted and without a retention")
			}
		})
	}
	for _, svc := range ix.OfType(TypeECSService) {
		run(svc, func(c *orderCheck) { ix.serviceStartNeeds(c, svc) })
	}
	return checked, fs
}

// serviceStartNeeds lists what an ECS service's tasks use as they start: the secrets ECS injects
// (their values and policies), the policies of both roles, the security-group rules of their
// groups, the VPC endpoints and routes of their subnets, and the listener of their target group.
func (ix *Index) serviceStartNeeds(c *orderCheck, svc *Resource) {
	if td := ix.Ref(Str(svc, "taskDefinition")); td != nil {
		var containers []struct {
			Secrets []struct {
				ValueFrom string `json:"valueFrom"`
			} `json:"secrets"`
		}
		_ = json.Unmarshal([]byte(Str(td, "containerDefinitions")), &containers)
		for _, ct := range containers {
			for _, s := range ct.Secrets {
				ix.secretNeeds(c, secretArnOf(s.ValueFrom))
			}
		}
		for _, key := range []string{"executionRoleArn", "taskRoleArn"} {
			if role := ix.Ref(Str(td, key)); role != nil {
				for _, p := range ix.Where(TypeRolePolicy, "role", Str(role, "name")) {
					c.need(p, "grants the task's "+strings.TrimSuffix(key, "RoleArn")+" role what it uses at start")
				}
			}
		}
	}
	lbGroups := map[string]bool{}
	for _, x := range List(svc, "loadBalancers") {
		m, _ := x.(map[string]any)
		tg, _ := m["targetGroupArn"].(string)
		var attaching []*Resource
		for _, l := range ix.listeners() {
			for _, a := range List(l, "defaultActions") {
				if am, _ := a.(map[string]any); am["targetGroupArn"] == tg {
					attaching = append(attaching, l)
					for _, lb := range ix.loadBalancers() {
						if Str(lb, "arn") == Str(l, "loadBalancerArn") || lb.ID == Str(l, "loadBalancerArn") {
							for _, g := range Strings(lb, "securityGroups") {
								lbGroups[g] = true
							}
						}
					}
				}
			}
		}
		// ECS refuses a target group that no load balancer uses yet: one listener must come first.
		if !slices.ContainsFunc(attaching, func(l *Resource) bool { return c.before[l.URN] }) && len(attaching) > 0 {
			c.need(attaching[0], "attaches the target group to a load balancer (ECS refuses a target group without one)")
		}
	}
	v, _ := Prop(svc, "networkConfiguration")
	nc, _ := v.(map[string]any)
	groups := policydoc.StringList(nc["securityGroups"])
	worldEgress := false
	for _, g := range groups {
		// What the tasks send (their groups' egress rules, and the peers' ingress rules that
		// admit them), and their load balancer's health checks.
		for _, rule := range ix.Where(TypeSGEgressRule, "securityGroupId", g) {
			c.need(rule, "lets the tasks' traffic out")
			worldEgress = worldEgress || isWorld(Str(rule, "cidrIpv4")+Str(rule, "cidrIpv6"))
		}
		for _, rule := range ix.Where(TypeSGIngressRule, "referencedSecurityGroupId", g) {
			c.need(rule, "lets the tasks' traffic in where it goes")
		}
		for _, rule := range ix.Where(TypeSGIngressRule, "securityGroupId", g) {
			if lbGroups[Str(rule, "referencedSecurityGroupId")] {
				c.need(rule, "admits the load balancer's health checks")
			}
		}
		for _, rule := range ix.Where(TypeSGEgressRule, "referencedSecurityGroupId", g) {
			if lbGroups[Str(rule, "securityGroupId")] {
				c.need(rule, "lets the load balancer's health checks out")
			}
		}
	}
	for _, lb := range ix.loadBalancers() {
		if slices.ContainsFunc(Strings(lb, "securityGroups"), func(g string) bool { return lbGroups[g] }) {
			for _, sid := range Strings(lb, "subnets") {
				ix.subnetNeeds(c, ix.Ref(sid), "the load balancer's health checks cross")
			}
		}
	}
	vpcs := map[string]bool{}
	for _, sid := range policydoc.StringList(nc["subnets"]) {
		subnet := ix.Ref(sid)
		if subnet == nil {
			continue
		}
		ix.subnetNeeds(c, subnet, "the tasks' traffic crosses")
		vpcs[Str(subnet, "vpcId")] = true
		for _, rt := range ix.SubnetRouteTables(subnet) {
			for _, route := range ix.Routes(rt) {
				switch {
				case route.TargetKind == "vpc-endpoint":
					c.need(route.Source, "carries the tasks' S3 traffic (image layers)")
				case worldEgress && IsDefaultRoute(route.Destination) && route.Source != rt:
					c.need(route.Source, "carries the tasks' internet egress")
					// ... through a NAT gateway, whose own subnet must carry it on.
					if nat := ix.Ref(route.Target); nat != nil && nat.Type == TypeNatGateway {
						natSubnet := ix.Ref(Str(nat, "subnetId"))
						ix.subnetNeeds(c, natSubnet, "the tasks' internet egress crosses at the NAT gateway")
						if natSubnet != nil {
							for _, nrt := range ix.SubnetRouteTables(natSubnet) {
								for _, r := range ix.Routes(nrt) {
									if IsDefaultRoute(r.Destination) && r.TargetKind == "internet-gateway" && r.Source != nrt {
										c.need(r.Source, "takes the NAT gateway's traffic to the internet")
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
		for _, ep := range ix.Where(TypeVpcEndpoint, "vpcId", id) {
			if Str(ep, "vpcEndpointType") == "Interface" {
				c.need(ep, "the tasks pull their image, read their secrets and write their logs through")
			}
		}
	}
}

// subnetNeeds adds what makes a subnet carry traffic: its network ACL association and that ACL's
// rules (until the association exists the subnet uses the VPC's default network ACL), and its
// route table association (until then, the main route table).
func (ix *Index) subnetNeeds(c *orderCheck, subnet *Resource, what string) {
	if subnet == nil {
		return
	}
	for _, a := range ix.Where(TypeNetworkACLAssoc, "subnetId", subnet.ID) {
		c.need(a, "gives the subnet "+what+" its network ACL (the VPC's default one until then)")
		if acl := ix.Ref(Str(a, "networkAclId")); acl != nil {
			for _, r := range ix.Where(TypeNetworkACLRule, "networkAclId", acl.ID) {
				c.need(r, "is a rule of the network ACL "+what)
			}
		}
	}
	for _, a := range ix.Where(TypeRouteTableAssoc, "subnetId", subnet.ID) {
		c.need(a, "gives the subnet "+what+" its routes (the main route table until then)")
	}
}

// secretNeeds adds what a secret needs before a task can read it: its value and its policy, or,
// for a secret RDS manages, the database that creates it.
func (ix *Index) secretNeeds(c *orderCheck, arn string) {
	if secret := ix.Ref(arn); secret != nil && secret.Type == TypeSecret {
		for _, key := range []string{secret.ID, Str(secret, "arn")} {
			for _, v := range ix.Where(TypeSecretVersion, "secretId", key) {
				c.need(v, "holds the value ECS injects when a task starts")
			}
		}
		for _, p := range append(ix.Where(TypeSecretPolicy, "secretArn", Str(secret, "arn")), ix.Where(TypeSecretPolicy, "secretArn", secret.ID)...) {
			c.need(p, "admits the task's execution role")
		}
		return
	}
	for _, db := range ix.OfType(TypeDBInstance) {
		for _, x := range List(db, "masterUserSecrets") {
			if m, _ := x.(map[string]any); m["secretArn"] == arn {
				c.need(db, "creates the master secret ECS injects")
			}
		}
	}
}

// secretArnOf strips the JSON key, version stage and version id ECS accepts after a secret's
// ARN in valueFrom (arn:aws:secretsmanager:<region>:<account>:secret:<name>:<key>:<stage>:<id>).
func secretArnOf(valueFrom string) string {
	parts := strings.Split(valueFrom, ":")
	if len(parts) > 7 {
		return strings.Join(parts[:7], ":")
	}
	return valueFrom
}
