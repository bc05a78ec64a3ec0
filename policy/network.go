package policy

import (
	"slices"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/query"
)

const strategyVPC = `Strategy 2, "Private Network (VPC)": core services and databases "are not directly accessible from the public internet"`

var networkInvariants = []Invariant{
	{
		ID:        "NET-01",
		Statement: "Isolated-tier subnets have no route out of the VPC: none to an internet gateway, a NAT gateway or any default route",
		Enforces:  strategyVPC,
		Covers:    []string{contract.TypeSubnet, contract.TypeRouteTable, contract.TypeRouteTableAssoc, contract.TypeRoute, contract.TypeDefaultRouteTable, contract.TypeMainRouteTableAssoc, contract.TypeVpcEndpoint},
		check:     checkIsolatedNoRouteOut,
	},
	{
		ID:        "NET-02",
		Statement: "Every subnet declares its tier, and private-tier subnets have no route to an internet gateway",
		Enforces:  strategyVPC + `; "Controlled Ingress/Egress"`,
		Covers:    []string{contract.TypeSubnet, contract.TypeRouteTable, contract.TypeRouteTableAssoc, contract.TypeRoute, contract.TypeInternetGateway},
		check:     checkTiersDeclared,
	},
	{
		ID:        "NET-03",
		Statement: "No subnet outside the public tier maps public IPs on launch",
		Enforces:  "Security Hub EC2.15; " + strategyVPC,
		Covers:    []string{contract.TypeSubnet},
		check:     checkNoPublicIPMapping,
	},
	{
		ID:        "NET-04",
		Statement: "The default security group of every VPC is adopted with no rules",
		Enforces:  `Security Hub EC2.2, CIS 5.4; strategy 2, "All other traffic is denied by default"`,
		Covers:    []string{contract.TypeVpc, contract.TypeDefaultSecurityGroup, contract.TypeSGRule, contract.TypeSGIngressRule, contract.TypeSGEgressRule},
		check:     checkDefaultSecurityGroupLocked,
	},
	{
		ID:        "NET-05",
		Statement: "Every VPC has flow logs capturing ALL traffic",
		Enforces:  "Security Hub EC2.6, CIS 3.7",
		Covers:    []string{contract.TypeVpc, contract.TypeFlowLog},
		check:     checkFlowLogs,
	},
	{
		ID:        "NET-06",
		Statement: "Every log group is encrypted with a customer-managed KMS key of the stack and has a retention",
		Enforces:  `Checkov CKV_AWS_158, CKV_AWS_66; strategy 3, "Encryption at Rest"`,
		Covers:    []string{contract.TypeLogGroup},
		check:     checkLogGroups,
	},
	{
		ID:        "NET-07",
		Statement: "Every VPC has the S3 gateway endpoint and private-DNS interface endpoints for secretsmanager, kms, ecr.api, ecr.dkr, logs and sts (and acm-pca when the stack has an AWS Private CA), each with an account-scoped policy",
		Enforces:  `Strategy 2, "Controlled Ingress/Egress": services reach AWS without the internet; Security Hub EC2.10`,
		Covers:    []string{contract.TypeVpc, contract.TypeVpcEndpoint},
		check:     checkEndpoints,
	},
	{
		ID: "NET-08",
		Statement: "Network ACLs admit the replies of every connection the platform makes: tcp 1024-65535 from the internet into subnets that hold a NAT gateway " +
			"or route to one or to a gateway endpoint, tcp 1024-65535 out of subnets with internet-facing load balancers, " +
			"and ICMP fragmentation-needed (type 3, code 4) both ways in all of them",
		Enforces: `Strategy 2 (a path the platform opens must work): NAT gateways and load balancers use source ports 1024-65535, path MTU discovery needs ICMP 3/4 ` +
			`(VPC jumbo frames vs 1500 bytes on the internet). Documented exception to Security Hub EC2.21: the return range includes 3389, in a rule of its own; ` +
			`security groups still admit nothing from the internet but the load balancers' 443 and 80 (EDGE-02)`,
		Covers: []string{contract.TypeNetworkACL, contract.TypeNetworkACLRule, contract.TypeNetworkACLAssoc, contract.TypeDefaultNetworkACL, contract.TypeNatGateway, contract.TypeSubnet, contract.TypeLoadBalancer, contract.TypeALBLoadBalancer},
		check:  checkReturnTraffic,
	},
}

// Return traffic: NAT gateways and Elastic Load Balancing use source ports 1024-65535
// (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html).
const ephemeralLow, ephemeralHigh = 1024, 65535

// carriage is what a subnet carries that needs return traffic from the internet.
type carriage int

const (
	holdsNAT            carriage = iota // a NAT gateway lives in it
	holdsPublicLB                       // an internet-facing load balancer has a node in it
	routesViaNAT                        // its default route goes out through NAT
	routesViaGatewayEnd                 // it routes to a gateway endpoint
)

func checkReturnTraffic(ix *query.Index) (int, []Finding) {
	var fs []Finding
	why := map[string][]carriage{} // subnet URN -> what it carries
	var order []*query.Resource
	mark := func(s *query.Resource, what carriage) {
		if s == nil {
			return
		}
		if _, seen := why[s.URN]; !seen {
			order = append(order, s)
		}
		why[s.URN] = append(why[s.URN], what)
	}
	for _, nat := range ix.OfType(contract.TypeNatGateway) {
		mark(ix.Ref(query.Str(nat, "subnetId")), holdsNAT)
	}
	for _, lb := range ix.LoadBalancers() {
		if query.InternetFacing(lb) {
			for _, id := range query.LoadBalancerSubnets(lb) {
				mark(ix.Ref(id), holdsPublicLB)
			}
		}
	}
	for _, s := range ix.OfType(contract.TypeSubnet) {
		if ix.RoutesTo(s, contract.NATGatewayTarget) {
			mark(s, routesViaNAT)
		}
		for _, rt := range ix.EffectiveRouteTables(s) {
			for _, r := range ix.Routes(rt) {
				if r.TargetKind == contract.VPCEndpointTarget {
					mark(s, routesViaGatewayEnd)
				}
			}
		}
	}
	gaps := func(s *query.Resource, egress bool) string {
		var parts []string
		for _, g := range ix.NACLTCPGaps(s, egress, ix.InternetPeer(s), ephemeralLow, ephemeralHigh) {
			parts = append(parts, query.PortRange(g[0], g[1]))
		}
		return strings.Join(parts, ", ")
	}
	for _, s := range order {
		roles := why[s.URN]
		inbound := slices.Contains(roles, holdsNAT) || slices.Contains(roles, routesViaNAT) || slices.Contains(roles, routesViaGatewayEnd)
		if g := gaps(s, false); inbound && g != "" {
			fs = append(fs, finding(s, "its network ACL drops replies from the internet on tcp %s; NAT gateways and gateway endpoints answer on any port 1024-65535, so some connections hang", g))
		}
		if g := gaps(s, true); slices.Contains(roles, holdsPublicLB) && g != "" {
			fs = append(fs, finding(s, "its network ACL drops the load balancers' replies to clients on tcp %s (clients use ports 1024-65535)", g))
		}
		for _, egress := range []bool{false, true} {
			if !ix.NACLAllowsICMP(s, egress, ix.InternetPeer(s), 3, 4) {
				dir := map[bool]string{false: "in", true: "out"}[egress]
				fs = append(fs, finding(s, "its network ACL does not let ICMP fragmentation-needed (type 3, code 4) %s; path MTU discovery between the VPC's jumbo frames and the internet fails and large transfers stall", dir))
			}
		}
	}
	return len(order), fs
}

func checkIsolatedNoRouteOut(ix *query.Index) (int, []Finding) {
	var fs []Finding
	checked := 0
	for _, s := range ix.OfType(contract.TypeSubnet) {
		if query.Tier(s) != contract.Isolated {
			continue
		}
		checked++
		if len(ix.SubnetRouteTables(s)) == 0 {
			fs = append(fs, finding(s, "has no explicit route table association, so it uses the VPC's main route table; associate it with the isolated route table"))
		}
		for _, rt := range ix.EffectiveRouteTables(s) {
			for _, route := range ix.Routes(rt) {
				switch {
				case route.TargetKind == contract.InternetGatewayTarget || route.TargetKind == contract.NATGatewayTarget:
					fs = append(fs, finding(s, "routes %s to %s %s through route table %s; the isolated tier must have no route out", route.Destination, route.TargetKind, route.Target, query.Name(rt)))
				case query.IsDefaultRoute(route.Destination):
					fs = append(fs, finding(s, "has a default route (%s) to %s through route table %s; the isolated tier must have no route out", route.Destination, route.Target, query.Name(rt)))
				case route.TargetKind == contract.VPCEndpointTarget:
					fs = append(fs, finding(s, "routes to the gateway endpoint %s through route table %s; the isolated tier must have no route out", query.Name(route.Source), query.Name(rt)))
				}
			}
		}
	}
	return checked, fs
}

func checkTiersDeclared(ix *query.Index) (int, []Finding) {
	var fs []Finding
	subnets := ix.OfType(contract.TypeSubnet)
	for _, s := range subnets {
		tier := query.Tier(s)
		switch tier {
		case contract.Public, contract.Private, contract.Isolated:
		case "":
			fs = append(fs, finding(s, "declares no tier; tag it %s=public|private|isolated so its exposure can be checked", contract.TierTag))
			continue
		default:
			fs = append(fs, finding(s, "declares the unknown tier %q", tier))
			continue
		}
		if tier != contract.Private {
			continue
		}
		for _, rt := range ix.EffectiveRouteTables(s) {
			for _, route := range ix.Routes(rt) {
				if route.TargetKind == contract.InternetGatewayTarget {
					fs = append(fs, finding(s, "is in the private tier but routes %s to internet gateway %s (route table %s); only the public tier may face the internet", route.Destination, route.Target, query.Name(rt)))
				}
			}
		}
	}
	return len(subnets), fs
}

func checkNoPublicIPMapping(ix *query.Index) (int, []Finding) {
	var fs []Finding
	subnets := ix.OfType(contract.TypeSubnet)
	for _, s := range subnets {
		if query.Tier(s) == contract.Public {
			continue
		}
		if on, _ := query.Bool(s, "mapPublicIpOnLaunch"); on {
			fs = append(fs, finding(s, "maps public IPs on launch in the %s tier; set mapPublicIpOnLaunch to false", tierOrUnknown(s)))
		}
		if on, _ := query.Bool(s, "assignIpv6AddressOnCreation"); on {
			fs = append(fs, finding(s, "assigns IPv6 addresses on creation in the %s tier; turn assignIpv6AddressOnCreation off", tierOrUnknown(s)))
		}
	}
	return len(subnets), fs
}

func tierOrUnknown(r *query.Resource) string {
	if t := query.Tier(r); t != "" {
		return string(t)
	}
	return "undeclared"
}

func checkDefaultSecurityGroupLocked(ix *query.Index) (int, []Finding) {
	var fs []Finding
	vpcs := ix.OfType(contract.TypeVpc)
	for _, vpc := range vpcs {
		var adopted *query.Resource
		for _, d := range ix.OfType(contract.TypeDefaultSecurityGroup) {
			if query.Str(d, "vpcId") == vpc.ID {
				adopted = d
			}
		}
		if adopted == nil {
			fs = append(fs, finding(vpc, "its default security group is not adopted, so it keeps AWS's allow-all rules; adopt it with aws.ec2.DefaultSecurityGroup and no rules"))
			continue
		}
		if n := len(query.List(adopted, "ingress")) + len(query.List(adopted, "egress")); n > 0 {
			fs = append(fs, finding(adopted, "keeps %d rule(s) on the default security group; it must have none", n))
		}
		ids := map[string]bool{adopted.ID: true, query.Str(vpc, "defaultSecurityGroupId"): true}
		for id := range ids {
			for _, typ := range []string{contract.TypeSGRule, contract.TypeSGIngressRule, contract.TypeSGEgressRule} {
				for _, rule := range ix.Where(typ, "securityGroupId", id) {
					fs = append(fs, finding(rule, "adds a rule to the default security group of %s; use a dedicated group", query.Name(vpc)))
				}
			}
		}
	}
	return len(vpcs), fs
}

func checkFlowLogs(ix *query.Index) (int, []Finding) {
	var fs []Finding
	vpcs := ix.OfType(contract.TypeVpc)
	for _, vpc := range vpcs {
		var types []string
		for _, fl := range ix.Where(contract.TypeFlowLog, "vpcId", vpc.ID) {
			types = append(types, query.Str(fl, "trafficType"))
		}
		switch {
		case len(types) == 0:
			fs = append(fs, finding(vpc, "has no flow log; add an aws.ec2.FlowLog with trafficType ALL"))
		case !slices.Contains(types, "ALL"):
			fs = append(fs, finding(vpc, "has flow logs for %s traffic only; capture ALL", strings.Join(types, ", ")))
		}
	}
	return len(vpcs), fs
}

func checkLogGroups(ix *query.Index) (int, []Finding) {
	var fs []Finding
	groups := ix.OfType(contract.TypeLogGroup)
	for _, g := range groups {
		key := query.Str(g, "kmsKeyId")
		switch {
		case key == "":
			fs = append(fs, finding(g, "is not encrypted with a customer-managed key; set kmsKeyId to the stack's logs key"))
		case ix.KeyOf(key) == nil:
			fs = append(fs, finding(g, "is encrypted with %s, which is not a customer-managed key of this stack", key))
		}
		days, set := query.Int(g, "retentionInDays")
		switch {
		case !set || days == 0:
			fs = append(fs, finding(g, "keeps logs forever; set retentionInDays"))
		case !awslimits.ValidLogRetention(days):
			fs = append(fs, finding(g, "has retentionInDays %d, which CloudWatch Logs rejects", days))
		}
	}
	return len(groups), fs
}

func checkEndpoints(ix *query.Index) (int, []Finding) {
	var fs []Finding
	vpcs := ix.OfType(contract.TypeVpc)
	for _, vpc := range vpcs {
		found := map[string]*query.Resource{}
		for _, ep := range ix.Where(contract.TypeVpcEndpoint, "vpcId", vpc.ID) {
			short := query.EndpointName(query.Str(ep, "serviceName"))
			found[short] = ep
			if !accountScoped(ix, ep) {
				fs = append(fs, finding(ep, "has no policy limiting it to this account's principals (aws:PrincipalAccount); a default endpoint policy lets any credential through"))
			}
			if query.IsInterfaceEndpoint(ep) {
				if on, _ := query.Bool(ep, "privateDnsEnabled"); !on {
					fs = append(fs, finding(ep, "has private DNS off, so clients still resolve the public %s endpoint", short))
				}
			}
		}
		if ep, ok := found[contract.S3GatewayEndpoint]; !ok || !query.IsGatewayEndpoint(ep) {
			fs = append(fs, finding(vpc, "has no S3 gateway endpoint; image layers and S3 traffic would need the internet"))
		}
		for _, want := range contract.InterfaceEndpoints {
			if _, ok := found[want]; !ok {
				fs = append(fs, finding(vpc, "has no %s interface endpoint; services without NAT cannot reach it", want))
			}
		}
		if cas := ix.OfType(contract.TypePCACertificateAuthority); len(cas) > 0 {
			if ep, ok := found[contract.PrivateCAEndpoint]; !ok || !query.IsInterfaceEndpoint(ep) {
				fs = append(fs, finding(vpc, "has no %s interface endpoint, but the stack has %d AWS Private CA(s) its tasks obtain their certificates from at start; without NAT they cannot reach it", contract.PrivateCAEndpoint, len(cas)))
			}
		}
	}
	return len(vpcs), fs
}

// accountScoped reports whether an endpoint policy's every Allow is bound to an account or an
// organization (aws:PrincipalAccount, aws:PrincipalOrgID), except narrow grants on named
// resources (the ECR layer bucket), never for "*".
func accountScoped(ix *query.Index, ep *query.Resource) bool {
	grants, ok := ix.EndpointGrants(ep)
	if !ok {
		return false
	}
	scoped := false
	for _, g := range grants {
		switch {
		case g.BindsPrincipal():
			scoped = true
		case g.Broad():
			return false
		}
	}
	return scoped
}
