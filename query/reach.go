package query

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

// Node is something traffic can come from or go to: a service's tasks, a load balancer, a
// database, a cache, a VPC endpoint, or the internet.
type Node struct {
	Kind    contract.NodeKind
	Name    string // the service, the resource's logical name, or the endpoint's service ("s3", "ecr.api", "kms")
	Gateway bool   // an endpoint reached through a route (the S3 gateway endpoint), not an interface in a subnet
	Public  bool   // has a public address (internet-facing LB, public IP)
	URN     string // the resource behind the node ("" for the internet)
	Tags    map[string]string
	Groups  []string // security group ids
	Subnets []string // subnet ids

	// Databases and caches: the services they declare as users (DeclaredUsers) and their port
	// (StorePort); a database: the migration task it declares (DeclaredMigration).
	Declared  []string
	Port      int
	Migration string
}

// NodeID identifies a node across two plans or exports: its kind and name (ids and URNs differ
// between stacks), and for an endpoint whether it is the gateway one.
type NodeID struct {
	Kind    contract.NodeKind
	Name    string
	Gateway bool
}

// ID is the node's identity.
func (n Node) ID() NodeID { return NodeID{Kind: n.Kind, Name: n.Name, Gateway: n.Gateway} }

// Compare orders node identities by kind, then name, the interface before the gateway.
func (a NodeID) Compare(b NodeID) int {
	return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name), compareBool(a.Gateway, b.Gateway))
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// DisplayName is the node's name for a reader: a gateway endpoint says so.
func (n Node) DisplayName() string {
	if n.Gateway {
		return n.Name + " (gateway)"
	}
	return n.Name
}

// Label names a node for a reader: "internet", a service's name, or "<kind> <name>".
func (n Node) Label() string {
	switch n.Kind {
	case contract.InternetNode:
		return "internet"
	case contract.ServiceNode, contract.MigrationNode:
		return n.Name
	}
	return string(n.Kind) + " " + n.DisplayName()
}

// Path is traffic the stack allows: the source's security groups let it out, the destination's
// let it in, the route tables carry it, and the network ACLs of both subnets admit it and its
// replies.
type Path struct {
	From, To Node
	Protocol string // "tcp", "all", or as written
	FromPort int
	ToPort   int
	Status   contract.PathStatus
	Why      string // for unknown paths: what is unknown
}

// PathKey identifies a path across two plans or exports: its ends' identities, its protocol and
// its port range.
type PathKey struct {
	From, To         NodeID
	Protocol         string
	FromPort, ToPort int
}

// Key is the path's identity.
func (p Path) Key() PathKey {
	return PathKey{From: p.From.ID(), To: p.To.ID(), Protocol: p.Protocol, FromPort: p.FromPort, ToPort: p.ToPort}
}

// Compare orders path identities by source, destination, protocol, then ports.
func (a PathKey) Compare(b PathKey) int {
	return cmp.Or(a.From.Compare(b.From), a.To.Compare(b.To), cmp.Compare(a.Protocol, b.Protocol),
		cmp.Compare(a.FromPort, b.FromPort), cmp.Compare(a.ToPort, b.ToPort))
}

// Label names a path for a reader: "web-bff -> cache sessions tcp 6379".
func (p Path) Label() string {
	return fmt.Sprintf("%s -> %s %s %s", p.From.Label(), p.To.Label(), p.Protocol, p.Ports())
}

// Ports renders the path's port range (PortRange).
func (p Path) Ports() string { return PortRange(p.FromPort, p.ToPort) }

// PortRange renders a port range for a reader: "443" for one port, else "1024-65535".
func PortRange(from, to int) string {
	if from == to {
		return fmt.Sprint(from)
	}
	return fmt.Sprintf("%d-%d", from, to)
}

var internetNode = Node{Kind: contract.InternetNode, Name: "internet"}

// EndpointName is the short name of a VPC endpoint's AWS service ("com.amazonaws.eu-west-1.ecr.api"
// -> "ecr.api"): the S3 gateway endpoint or an interface endpoint the stack requires when the
// service name ends in one, else "ecr.<x>" for another ECR endpoint, else its last segment.
func EndpointName(serviceName string) string {
	for _, known := range append([]string{contract.S3GatewayEndpoint}, contract.InterfaceEndpoints...) {
		if strings.HasSuffix(serviceName, "."+known) {
			return known
		}
	}
	if i := strings.Index(serviceName, ".ecr."); i >= 0 {
		return serviceName[i+1:]
	}
	return serviceName[strings.LastIndex(serviceName, ".")+1:]
}

// IsInterfaceEndpoint reports whether a VPC endpoint is an interface endpoint (network
// interfaces in subnets, behind security groups), vpcEndpointType "Interface".
func IsInterfaceEndpoint(ep *Resource) bool { return Str(ep, "vpcEndpointType") == "Interface" }

// IsGatewayEndpoint reports whether a VPC endpoint is a gateway endpoint (reached through a route
// to its prefix list), vpcEndpointType "Gateway".
func IsGatewayEndpoint(ep *Resource) bool { return Str(ep, "vpcEndpointType") == "Gateway" }

// ServiceName is an ECS service's declared service name (its tag), or its logical name.
func ServiceName(svc *Resource) string {
	if name := Tags(svc)[contract.ServiceTag]; name != "" {
		return name
	}
	return Name(svc)
}

// ServiceNetwork is the network configuration of an ECS service's tasks.
type ServiceNetwork struct {
	Declared bool     // the service has a network configuration (without one its tasks land in the default VPC)
	PublicIP bool     // assignPublicIp
	Subnets  []string // subnet ids
	Groups   []string // security group ids
}

// NetworkOf reads the network configuration of an ECS service.
func NetworkOf(svc *Resource) ServiceNetwork {
	v, _ := Prop(svc, "networkConfiguration")
	nc, _ := v.(map[string]any)
	pub, _ := nc["assignPublicIp"].(bool)
	return ServiceNetwork{Declared: nc != nil, PublicIP: pub, Subnets: policydoc.StringList(nc["subnets"]), Groups: policydoc.StringList(nc["securityGroups"])}
}

// ReachabilityTypes are the resource types the reachability analysis reads: the nodes (services,
// load balancers, databases, caches, interface endpoints, instances, network interfaces), their
// addresses, security groups and rules, subnets, routes and network ACLs. The invariants judged
// on reachability (REACH-01 to REACH-03) cover these types.
var ReachabilityTypes = []string{
	contract.TypeECSService, contract.TypeLoadBalancer, contract.TypeALBLoadBalancer, contract.TypeDBInstance, contract.TypeDBSubnetGroup,
	contract.TypeCache, contract.TypeCacheSubnetGroup, contract.TypeVpcEndpoint,
	contract.TypeInstance, contract.TypeSpotInstanceRequest, contract.TypeNetworkInterface, contract.TypeNetworkInterfaceAttachment,
	contract.TypeNetworkInterfaceSGAttachment, contract.TypeEip, contract.TypeEIPAssoc,
	contract.TypeSecurityGroup, contract.TypeSGIngressRule, contract.TypeSGEgressRule, contract.TypeSGRule,
	contract.TypeSubnet, contract.TypeRouteTable, contract.TypeRouteTableAssoc, contract.TypeDefaultRouteTable, contract.TypeMainRouteTableAssoc, contract.TypeRoute, contract.TypeInternetGateway, contract.TypeNatGateway,
	contract.TypeNetworkACL, contract.TypeNetworkACLRule, contract.TypeNetworkACLAssoc, contract.TypeDefaultNetworkACL,
}

// Nodes lists every place traffic can start or end, with its groups and subnets: services,
// load balancers, databases, caches, interface endpoints, migration tasks, instances and network
// interfaces, in that order.
func (ix *Index) Nodes() []Node {
	var out []Node
	for _, svc := range ix.OfType(contract.TypeECSService) {
		net := NetworkOf(svc)
		out = append(out, Node{Kind: contract.ServiceNode, Name: ServiceName(svc), Public: net.PublicIP, URN: svc.URN, Tags: Tags(svc),
			Groups: net.Groups, Subnets: net.Subnets})
	}
	for _, lb := range ix.LoadBalancers() {
		out = append(out, Node{Kind: contract.LoadBalancerNode, Name: Name(lb), Public: InternetFacing(lb), URN: lb.URN, Tags: Tags(lb),
			Groups: Strings(lb, "securityGroups"), Subnets: LoadBalancerSubnets(lb)})
	}
	for _, db := range ix.OfType(contract.TypeDBInstance) {
		pub, _ := Bool(db, "publiclyAccessible")
		var subnets []string
		if g := ix.SubnetGroupOf(db); g != nil {
			subnets = Strings(g, "subnetIds")
		}
		out = append(out, Node{Kind: contract.DatabaseNode, Name: Name(db), Public: pub, URN: db.URN, Tags: Tags(db), Groups: Strings(db, "vpcSecurityGroupIds"), Subnets: subnets,
			Declared: DeclaredUsers(db), Port: StorePort(db), Migration: DeclaredMigration(db)})
	}
	for _, c := range ix.OfType(contract.TypeCache) {
		var subnets []string
		if g := ix.SubnetGroupOf(c); g != nil {
			subnets = Strings(g, "subnetIds")
		}
		out = append(out, Node{Kind: contract.CacheNode, Name: Name(c), URN: c.URN, Tags: Tags(c), Groups: Strings(c, "securityGroupIds"), Subnets: subnets,
			Declared: DeclaredUsers(c), Port: StorePort(c)})
	}
	for _, ep := range ix.OfType(contract.TypeVpcEndpoint) {
		if !IsInterfaceEndpoint(ep) {
			continue
		}
		out = append(out, Node{Kind: contract.EndpointNode, Name: EndpointName(Str(ep, "serviceName")), URN: ep.URN,
			Groups: Strings(ep, "securityGroupIds"), Subnets: Strings(ep, "subnetIds")})
	}
	out = append(out, ix.migrationNodes()...)
	eips := ix.elasticIPTargets()
	out = append(out, ix.instanceNodes(eips)...)
	return append(out, ix.interfaceNodes(eips)...)
}

// Reachability returns every path of the stack, sorted by Key (PathKey.Compare), computed once. It follows each
// egress rule to the groups it names (so the work grows with the number of rules, not with the
// square of the nodes), checks the destination's ingress, the routes and both network ACLs.
func (ix *Index) Reachability() []Path {
	if ix.reach != nil {
		return ix.reach
	}
	ix.reach = ix.computeReachability()
	return ix.reach
}

func (ix *Index) computeReachability() []Path {
	nodes := ix.Nodes()
	byGroup := map[string][]int{}
	for i, n := range nodes {
		for _, g := range n.Groups {
			byGroup[g] = append(byGroup[g], i)
		}
	}
	var paths []Path
	type seenPath struct {
		key    PathKey
		status contract.PathStatus
	}
	seen := map[seenPath]bool{}
	add := func(p Path) {
		if k := (seenPath{p.Key(), p.Status}); !seen[k] {
			seen[k] = true
			paths = append(paths, p)
		}
	}

	for i, src := range nodes {
		for _, gid := range src.Groups {
			sg := ix.Ref(gid)
			if sg == nil {
				add(Path{From: src, To: Node{Kind: contract.UnknownNode, Name: gid}, Protocol: "tcp", Status: contract.PathUnknown,
					Why: fmt.Sprintf("security group %s is not in this stack", gid)})
				continue
			}
			for _, out := range ix.EgressRules(sg) {
				switch {
				case out.Group != "":
					for _, j := range byGroup[out.Group] {
						if j != i {
							ix.pathBetween(src, nodes[j], out, add)
						}
					}
				case out.CIDR != "":
					if IsWorld(out.CIDR) {
						ix.pathToInternet(src, out, add)
					}
					// A CIDR also names addresses inside the VPC: every node in a subnet it
					// overlaps is a destination, if that node's groups admit the source.
					for j, dst := range nodes {
						if j != i && ix.inCIDR(dst.Subnets, out.CIDR) {
							ix.pathBetween(src, dst, out, add)
						}
					}
				case out.PrefixList != "":
					ix.pathToGatewayEndpoint(src, out, add)
				}
			}
		}
	}
	for _, dst := range nodes {
		for _, gid := range dst.Groups {
			sg := ix.Ref(gid)
			if sg == nil {
				continue
			}
			for _, in := range ix.IngressRules(sg) {
				if IsWorld(in.CIDR) {
					ix.pathFromInternet(dst, in, add)
				}
			}
		}
	}
	slices.SortStableFunc(paths, func(a, b Path) int { return a.Key().Compare(b.Key()) })
	if paths == nil {
		paths = []Path{}
	}
	return paths
}

// pathBetween checks one egress rule of src against dst's ingress, then the network ACLs.
func (ix *Index) pathBetween(src, dst Node, out SGRule, add func(Path)) {
	for _, gid := range dst.Groups {
		sg := ix.Ref(gid)
		if sg == nil {
			continue
		}
		for _, in := range ix.IngressRules(sg) {
			if !ix.admits(in, src) {
				continue
			}
			lo, hi := max(out.From, in.From), min(out.To, in.To)
			if lo > hi || !protocolsMatch(out.Proto, in.Proto) {
				continue
			}
			proto := protoName(out.Proto)
			if proto == "all" {
				proto = protoName(in.Proto) // the narrower of the two
			}
			p := Path{From: src, To: dst, Protocol: proto, FromPort: lo, ToPort: hi, Status: contract.PathReachable}
			if status, why := ix.naclsAdmit(src.Subnets, dst.Subnets, lo, hi); status != contract.PathReachable {
				if status == "" {
					continue // the network ACLs block it
				}
				p.Status, p.Why = status, why
			}
			add(p)
		}
	}
}

// admits reports whether an ingress rule lets src in: it names one of src's groups, or a CIDR
// that overlaps one of src's subnets.
func (ix *Index) admits(in SGRule, src Node) bool {
	if in.Group != "" {
		return slices.Contains(src.Groups, in.Group)
	}
	return in.CIDR != "" && ix.inCIDR(src.Subnets, in.CIDR)
}

// inCIDR reports whether some address of the subnets may lie in a CIDR: a subnet's IPv4 or
// IPv6 block overlaps it. A subnet the stack does not hold, or whose block is not known, may:
// the network ACL check then makes the path unknown rather than assume it away.
func (ix *Index) inCIDR(subnets []string, cidr string) bool {
	prefix, err := netip.ParsePrefix(cidr)
	if err != nil {
		return false
	}
	for _, id := range subnets {
		s := ix.Ref(id)
		if s == nil {
			return true
		}
		known := false
		for _, key := range []string{"cidrBlock", "ipv6CidrBlock"} {
			if p, err := netip.ParsePrefix(Str(s, key)); err == nil {
				known = true
				if p.Overlaps(prefix) {
					return true
				}
			}
		}
		if !known {
			return true
		}
	}
	return false
}

func protocolsMatch(a, b string) bool {
	a, b = protoName(a), protoName(b)
	return a == b || a == "all" || b == "all"
}

func protoName(p string) string {
	if p == "-1" || p == "all" {
		return "all"
	}
	if IsTCP(p) {
		return "tcp"
	}
	return p
}

// pathFromInternet checks a world ingress rule: the destination needs a public address and a
// subnet routed to an internet gateway whose network ACL admits the traffic.
func (ix *Index) pathFromInternet(dst Node, in SGRule, add func(Path)) {
	if !dst.Public {
		return
	}
	for _, sid := range dst.Subnets {
		subnet := ix.Ref(sid)
		if subnet == nil {
			add(Path{From: internetNode, To: dst, Protocol: protoName(in.Proto), FromPort: in.From, ToPort: in.To, Status: contract.PathUnknown,
				Why: fmt.Sprintf("subnet %s is not in this stack", sid)})
			continue
		}
		if len(ix.EffectiveRouteTables(subnet)) == 0 {
			add(Path{From: internetNode, To: dst, Protocol: protoName(in.Proto), FromPort: in.From, ToPort: in.To, Status: contract.PathUnknown,
				Why: fmt.Sprintf("the route table of subnet %s is not in this stack", sid)})
			continue
		}
		if !ix.RoutesTo(subnet, contract.InternetGatewayTarget) {
			continue
		}
		peer := ix.InternetPeer(subnet)
		if admitsSomePort(in.From, in.To, ix.gapsOf(subnet, false, peer)) && ix.NACLAllows(subnet, true, peer, ephemeralProbe) {
			add(Path{From: internetNode, To: dst, Protocol: protoName(in.Proto), FromPort: in.From, ToPort: in.To, Status: contract.PathReachable})
			return
		}
	}
}

// pathToInternet checks a world egress rule: the source's network ACL must let the traffic out
// and the replies in, and its subnet must route to the internet: through an internet gateway
// (for a source with a public address) or through a NAT gateway, whose own subnet must route to
// an internet gateway and whose network ACL must pass the traffic both ways (from the source, to
// the internet, and the replies back). A NAT gateway the stack does not hold makes the path
// unknown.
func (ix *Index) pathToInternet(src Node, out SGRule, add func(Path)) {
	path := Path{From: src, To: internetNode, Protocol: protoName(out.Proto), FromPort: out.From, ToPort: out.To, Status: contract.PathReachable}
	for _, sid := range src.Subnets {
		subnet := ix.Ref(sid)
		if subnet == nil {
			continue
		}
		if peer := ix.InternetPeer(subnet); !admitsSomePort(out.From, out.To, ix.gapsOf(subnet, true, peer)) || !ix.NACLAllows(subnet, false, peer, ephemeralProbe) {
			continue
		}
		if len(ix.EffectiveRouteTables(subnet)) == 0 {
			path.Status, path.Why = contract.PathUnknown, fmt.Sprintf("the route table of subnet %s is not in this stack", sid)
			add(path)
			return
		}
		if src.Public && ix.RoutesTo(subnet, contract.InternetGatewayTarget) {
			add(path)
			return
		}
		srcAddr, known := SubnetAddr(subnet)
		for _, target := range ix.DefaultRouteTargets(subnet, contract.NATGatewayTarget) {
			nat := ix.Ref(target)
			var natSubnet *Resource
			if nat != nil {
				natSubnet = ix.Ref(Str(nat, "subnetId"))
			}
			if nat == nil || natSubnet == nil || !known {
				path.Status, path.Why = contract.PathUnknown, fmt.Sprintf("NAT gateway %s or its subnet is not in this stack", target)
				add(path)
				return
			}
			if !ix.RoutesTo(natSubnet, contract.InternetGatewayTarget) {
				continue
			}
			peer := ix.InternetPeer(natSubnet)
			if admitsSomePort(out.From, out.To, ix.gapsOf(subnet, true, ix.InternetPeer(subnet)), ix.gapsOf(natSubnet, false, srcAddr), ix.gapsOf(natSubnet, true, peer)) &&
				ix.NACLAllows(natSubnet, false, peer, ephemeralProbe) && ix.NACLAllows(natSubnet, true, srcAddr, ephemeralProbe) {
				add(path)
				return
			}
		}
	}
}

// pathToGatewayEndpoint checks an egress rule to a prefix list (S3): the source's subnet must
// route to the gateway endpoint and its network ACL must let HTTPS out and replies in.
func (ix *Index) pathToGatewayEndpoint(src Node, out SGRule, add func(Path)) {
	for _, sid := range src.Subnets {
		subnet := ix.Ref(sid)
		if subnet == nil {
			continue
		}
		for _, rt := range ix.EffectiveRouteTables(subnet) {
			for _, r := range ix.Routes(rt) {
				if r.TargetKind != contract.VPCEndpointTarget || Str(r.Source, "prefixListId") != out.PrefixList {
					continue
				}
				if peer := ix.InternetPeer(subnet); admitsSomePort(out.From, out.To, ix.gapsOf(subnet, true, peer)) && ix.NACLAllows(subnet, false, peer, ephemeralProbe) {
					add(Path{From: src, To: Node{Kind: contract.EndpointNode, Name: EndpointName(Str(r.Source, "serviceName")), Gateway: true, URN: r.Source.URN},
						Protocol: protoName(out.Proto), FromPort: out.From, ToPort: out.To, Status: contract.PathReachable})
					return
				}
			}
		}
	}
}
