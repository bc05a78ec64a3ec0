package policy

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

// UnknownSentinel is the value Pulumi writes for a property not known until apply.
const UnknownSentinel = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

// Node is something traffic can come from or go to: a service's tasks, a load balancer, a
// database, a cache, an interface endpoint, or the internet.
type Node struct {
	Kind    string // internet, service, load-balancer, database, cache, endpoint
	Name    string
	Public  bool   // has a public address (internet-facing LB, public IP)
	URN     string // the resource behind the node
	Tags    map[string]string
	Groups  []string // security group ids
	Subnets []string // subnet ids
}

// Label names a node for a reader.
func (n Node) Label() string {
	switch n.Kind {
	case "internet":
		return "internet"
	case "service":
		return n.Name
	}
	return n.Kind + " " + n.Name
}

// Status says how sure the analysis is of a path.
type Status string

// The statuses of a path.
const (
	Reachable Status = "reachable"
	Unknown   Status = "unknown" // a value the analysis needs is not known: never read as safe
)

// Path is traffic the stack allows: the source's security groups let it out, the destination's
// let it in, the route tables carry it, and the network ACLs of both subnets admit it and its
// replies.
type Path struct {
	From, To Node
	Protocol string
	FromPort int
	ToPort   int
	Status   Status
	Why      string // for unknown paths: what is unknown
}

// Key identifies a path across two plans or exports (names, not ids).
func (p Path) Key() string {
	return fmt.Sprintf("%s -> %s %s %s", p.From.Label(), p.To.Label(), p.Protocol, p.Ports())
}

// Ports renders the port range.
func (p Path) Ports() string {
	if p.FromPort == p.ToPort {
		return fmt.Sprint(p.FromPort)
	}
	return fmt.Sprintf("%d-%d", p.FromPort, p.ToPort)
}

var internetNode = Node{Kind: "internet", Name: "internet"}

// Nodes lists every place traffic can start or end, with its groups and subnets.
func (ix *Index) Nodes() []Node {
	var out []Node
	for _, svc := range ix.OfType(TypeECSService) {
		v, _ := Prop(svc, "networkConfiguration")
		nc, _ := v.(map[string]any)
		pub, _ := nc["assignPublicIp"].(bool)
		name := Tags(svc)[ServiceTag]
		if name == "" {
			name = Name(svc)
		}
		out = append(out, Node{Kind: "service", Name: name, Public: pub, URN: svc.URN, Tags: Tags(svc),
			Groups: policydoc.StringList(nc["securityGroups"]), Subnets: policydoc.StringList(nc["subnets"])})
	}
	for _, lb := range ix.loadBalancers() {
		out = append(out, Node{Kind: "load-balancer", Name: Name(lb), Public: internetFacing(lb), URN: lb.URN, Tags: Tags(lb),
			Groups: Strings(lb, "securityGroups"), Subnets: Strings(lb, "subnets")})
	}
	for _, db := range ix.OfType(TypeDBInstance) {
		pub, _ := Bool(db, "publiclyAccessible")
		var subnets []string
		if g := ix.Named(TypeDBSubnetGroup, "name", Str(db, "dbSubnetGroupName")); g != nil {
			subnets = Strings(g, "subnetIds")
		}
		out = append(out, Node{Kind: "database", Name: Name(db), Public: pub, URN: db.URN, Tags: Tags(db), Groups: Strings(db, "vpcSecurityGroupIds"), Subnets: subnets})
	}
	for _, c := range ix.OfType(TypeCache) {
		var subnets []string
		if g := ix.Named(TypeCacheSubnetGroup, "name", Str(c, "subnetGroupName")); g != nil {
			subnets = Strings(g, "subnetIds")
		}
		out = append(out, Node{Kind: "cache", Name: Name(c), URN: c.URN, Tags: Tags(c), Groups: Strings(c, "securityGroupIds"), Subnets: subnets})
	}
	for _, ep := range ix.OfType(TypeVpcEndpoint) {
		if Str(ep, "vpcEndpointType") != "Interface" {
			continue
		}
		svc := Str(ep, "serviceName")
		out = append(out, Node{Kind: "endpoint", Name: svc[strings.LastIndex(svc, ".")+1:], URN: ep.URN, Groups: Strings(ep, "securityGroupIds"), Subnets: Strings(ep, "subnetIds")})
		if strings.HasSuffix(svc, ".ecr.api") || strings.HasSuffix(svc, ".ecr.dkr") {
			out[len(out)-1].Name = svc[strings.Index(svc, "ecr."):]
		}
	}
	return out
}

// Reachability computes every path of the stack. It follows each egress rule to the groups it
// names (so the work grows with the number of rules, not with the square of the nodes), checks
// the destination's ingress, the routes and both network ACLs.
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
	seen := map[string]bool{}
	add := func(p Path) {
		if !seen[p.Key()+string(p.Status)] {
			seen[p.Key()+string(p.Status)] = true
			paths = append(paths, p)
		}
	}

	for i, src := range nodes {
		for _, gid := range src.Groups {
			sg := ix.Ref(gid)
			if sg == nil {
				add(Path{From: src, To: Node{Kind: "unknown", Name: gid}, Protocol: "tcp", Status: Unknown,
					Why: fmt.Sprintf("security group %s is not in this stack", gid)})
				continue
			}
			for _, out := range ix.egressRules(sg) {
				switch {
				case out.group != "":
					for _, j := range byGroup[out.group] {
						if j == i {
							continue
						}
						ix.pathBetween(src, nodes[j], out, add)
					}
				case isWorld(out.cidr):
					ix.pathToInternet(src, out, add)
				case out.prefixList != "":
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
			for _, in := range ix.ingressRules(sg) {
				if isWorld(in.cidr) {
					ix.pathFromInternet(dst, in, add)
				}
			}
		}
	}
	sort.Slice(paths, func(i, j int) bool { return paths[i].Key() < paths[j].Key() })
	if paths == nil {
		paths = []Path{}
	}
	return paths
}

// pathBetween checks one egress rule of src against dst's ingress, then the network ACLs.
func (ix *Index) pathBetween(src, dst Node, out sgRule, add func(Path)) {
	for _, gid := range dst.Groups {
		sg := ix.Ref(gid)
		if sg == nil {
			continue
		}
		for _, in := range ix.ingressRules(sg) {
			if !admitsGroupOf(in, src) {
				continue
			}
			lo, hi := max(out.from, in.from), min(out.to, in.to)
			if lo > hi || !protocolsMatch(out.proto, in.proto) {
				continue
			}
			p := Path{From: src, To: dst, Protocol: protoName(out.proto), FromPort: lo, ToPort: hi, Status: Reachable}
			if status, why := ix.naclsAdmit(src.Subnets, dst.Subnets, lo); status != Reachable {
				if status == "" {
					continue // the network ACLs block it
				}
				p.Status, p.Why = status, why
			}
			add(p)
		}
	}
}

func admitsGroupOf(in sgRule, src Node) bool {
	for _, g := range src.Groups {
		if in.group == g {
			return true
		}
	}
	return false
}

func protocolsMatch(a, b string) bool {
	norm := func(p string) string {
		switch p {
		case "6", "tcp":
			return "tcp"
		case "-1", "all":
			return "all"
		}
		return p
	}
	a, b = norm(a), norm(b)
	return a == b || a == "all" || b == "all"
}

func protoName(p string) string {
	if p == "-1" || p == "all" {
		return "all"
	}
	if p == "6" {
		return "tcp"
	}
	return p
}

// pathFromInternet checks a world ingress rule: the destination needs a public address and a
// subnet routed to an internet gateway whose network ACL admits the traffic.
func (ix *Index) pathFromInternet(dst Node, in sgRule, add func(Path)) {
	if !dst.Public {
		return
	}
	for _, sid := range dst.Subnets {
		subnet := ix.Ref(sid)
		if subnet == nil {
			add(Path{From: internetNode, To: dst, Protocol: protoName(in.proto), FromPort: in.from, ToPort: in.to, Status: Unknown,
				Why: fmt.Sprintf("subnet %s is not in this stack", sid)})
			continue
		}
		if !ix.routesTo(subnet, "internet-gateway") {
			continue
		}
		peer := ix.internetPeer(subnet)
		if ix.naclAllows(subnet, false, peer, in.from) && ix.naclAllows(subnet, true, peer, 50000) {
			add(Path{From: internetNode, To: dst, Protocol: protoName(in.proto), FromPort: in.from, ToPort: in.to, Status: Reachable})
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
func (ix *Index) pathToInternet(src Node, out sgRule, add func(Path)) {
	path := Path{From: src, To: internetNode, Protocol: protoName(out.proto), FromPort: out.from, ToPort: out.to, Status: Reachable}
	for _, sid := range src.Subnets {
		subnet := ix.Ref(sid)
		if subnet == nil {
			continue
		}
		if peer := ix.internetPeer(subnet); !ix.naclAllows(subnet, true, peer, out.from) || !ix.naclAllows(subnet, false, peer, 50000) {
			continue
		}
		if src.Public && ix.routesTo(subnet, "internet-gateway") {
			add(path)
			return
		}
		srcAddr, known := subnetAddr(subnet)
		for _, target := range ix.defaultRouteTargets(subnet, "nat-gateway") {
			nat := ix.Ref(target)
			var natSubnet *Resource
			if nat != nil {
				natSubnet = ix.Ref(Str(nat, "subnetId"))
			}
			if nat == nil || natSubnet == nil || !known {
				path.Status, path.Why = Unknown, fmt.Sprintf("NAT gateway %s or its subnet is not in this stack", target)
				add(path)
				return
			}
			if !ix.routesTo(natSubnet, "internet-gateway") {
				continue
			}
			peer := ix.internetPeer(natSubnet)
			if ix.naclAllows(natSubnet, false, srcAddr, out.from) && ix.naclAllows(natSubnet, true, peer, out.from) &&
				ix.naclAllows(natSubnet, false, peer, 50000) && ix.naclAllows(natSubnet, true, srcAddr, 50000) {
				add(path)
				return
			}
		}
	}
}

// pathToGatewayEndpoint checks an egress rule to a prefix list (S3): the source's subnet must
// route to the gateway endpoint and its network ACL must let HTTPS out and replies in.
func (ix *Index) pathToGatewayEndpoint(src Node, out sgRule, add func(Path)) {
	for _, sid := range src.Subnets {
		subnet := ix.Ref(sid)
		if subnet == nil {
			continue
		}
		for _, rt := range ix.SubnetRouteTables(subnet) {
			for _, r := range ix.Routes(rt) {
				if r.TargetKind != "vpc-endpoint" || Str(r.Source, "prefixListId") != out.prefixList {
					continue
				}
				svc := Str(r.Source, "serviceName")
				if peer := ix.internetPeer(subnet); ix.naclAllows(subnet, true, peer, out.from) && ix.naclAllows(subnet, false, peer, 50000) {
					add(Path{From: src, To: Node{Kind: "endpoint", Name: svc[strings.LastIndex(svc, ".")+1:] + " (gateway)", URN: r.Source.URN},
						Protocol: protoName(out.proto), FromPort: out.from, ToPort: out.to, Status: Reachable})
					return
				}
			}
		}
	}
}

// internetCandidates are public addresses, one of which stands for "the internet" when a
// subnet's network ACL is evaluated.
var internetCandidates = []netip.Addr{
	netip.MustParseAddr("198.51.100.10"), netip.MustParseAddr("203.0.113.10"), netip.MustParseAddr("192.0.2.10"),
	netip.MustParseAddr("8.8.8.8"), netip.MustParseAddr("1.1.1.1"), netip.MustParseAddr("52.94.76.10"),
}

// internetPeer is the address that stands for the internet at large in a subnet's network ACL:
// one that no entry names more narrowly than 0.0.0.0/0. An ACL that admits only one range
// (rules for 198.51.100.0/24, say) does not admit the internet; one that denies a range to harden
// it still does. A subnet whose entries name every candidate is judged on the first.
func (ix *Index) internetPeer(subnet *Resource) netip.Addr {
	entries := ix.naclEntries(subnet)
	for _, a := range internetCandidates {
		named := false
		for _, e := range entries {
			named = named || (e.cidr.Bits() > 0 && e.cidr.Contains(a))
		}
		if !named {
			return a
		}
	}
	return internetCandidates[0]
}

func (ix *Index) routesTo(subnet *Resource, kind string) bool {
	return len(ix.defaultRouteTargets(subnet, kind)) > 0
}

// defaultRouteTargets returns the targets of a kind (internet-gateway, nat-gateway) of a subnet's
// default routes.
func (ix *Index) defaultRouteTargets(subnet *Resource, kind string) []string {
	var out []string
	for _, rt := range ix.SubnetRouteTables(subnet) {
		for _, r := range ix.Routes(rt) {
			if IsDefaultRoute(r.Destination) && r.TargetKind == kind {
				out = append(out, r.Target)
			}
		}
	}
	return out
}

// naclsAdmit reports whether, for some pair of subnets, both network ACLs let a connection on
// port through and its replies back. "" means blocked.
func (ix *Index) naclsAdmit(srcSubnets, dstSubnets []string, port int) (Status, string) {
	for _, a := range srcSubnets {
		sa := ix.Ref(a)
		if sa == nil {
			return Unknown, fmt.Sprintf("subnet %s is not in this stack", a)
		}
		for _, b := range dstSubnets {
			sb := ix.Ref(b)
			if sb == nil {
				return Unknown, fmt.Sprintf("subnet %s is not in this stack", b)
			}
			aAddr, okA := subnetAddr(sa)
			bAddr, okB := subnetAddr(sb)
			if !okA || !okB {
				return Unknown, "a subnet's CIDR block is not known"
			}
			if sa.ID == sb.ID {
				return Reachable, "" // traffic within a subnet never crosses a network ACL
			}
			if ix.naclAllows(sa, true, bAddr, port) && ix.naclAllows(sb, false, aAddr, port) &&
				ix.naclAllows(sb, true, aAddr, 50000) && ix.naclAllows(sa, false, bAddr, 50000) {
				return Reachable, ""
			}
		}
	}
	if len(srcSubnets) == 0 || len(dstSubnets) == 0 {
		return Unknown, "a side has no known subnets"
	}
	return "", ""
}

func subnetAddr(s *Resource) (netip.Addr, bool) {
	p, err := netip.ParsePrefix(Str(s, "cidrBlock"))
	if err != nil {
		return netip.Addr{}, false
	}
	return p.Addr().Next(), true
}

type naclEntry struct {
	number             int
	egress             bool
	allow              bool
	cidr               netip.Prefix
	proto              string
	from, to           int
	icmpType, icmpCode int // -1 for any
}

// naclEntries returns the rules of the network ACL that governs a subnet, in evaluation order,
// and whether the ACL is known. A subnet without an explicit association uses the VPC's default
// ACL: locked (no entries) when the stack adopts it, AWS's allow-all otherwise.
func (ix *Index) naclEntries(subnet *Resource) []naclEntry {
	if entries, done := ix.nacls[subnet.ID]; done {
		return entries
	}
	entries := ix.computeNACLEntries(subnet)
	ix.nacls[subnet.ID] = entries
	return entries
}

func (ix *Index) computeNACLEntries(subnet *Resource) []naclEntry {
	var acl *Resource
	for _, a := range ix.Where(TypeNetworkACLAssoc, "subnetId", subnet.ID) {
		acl = ix.Ref(Str(a, "networkAclId"))
	}
	if acl == nil {
		for _, n := range ix.Where(TypeNetworkACL, "subnetIds", subnet.ID) {
			acl = n
		}
	}
	if acl == nil {
		if adopted := ix.Where(TypeDefaultNetworkACL, "defaultNetworkAclId", ix.defaultACLOf(subnet)); len(adopted) > 0 {
			acl = adopted[0]
		} else {
			all := netip.MustParsePrefix("0.0.0.0/0")
			return []naclEntry{{100, false, true, all, "-1", 0, 65535, -1, -1}, {100, true, true, all, "-1", 0, 65535, -1, -1}}
		}
	}
	var out []naclEntry
	for _, r := range ix.Where(TypeNetworkACLRule, "networkAclId", acl.ID) {
		n, _ := Int(r, "ruleNumber")
		egress, _ := Bool(r, "egress")
		from, _ := Int(r, "fromPort")
		to, _ := Int(r, "toPort")
		cidr, err := netip.ParsePrefix(Str(r, "cidrBlock"))
		if err != nil {
			continue
		}
		icmpType, icmpCode := icmpOf(Prop(r, "icmpType")), icmpOf(Prop(r, "icmpCode"))
		out = append(out, naclEntry{n, egress, Str(r, "ruleAction") == "allow", cidr, Str(r, "protocol"), from, to, icmpType, icmpCode})
	}
	for _, dir := range []string{"ingress", "egress"} {
		for _, x := range List(acl, dir) {
			m, _ := x.(map[string]any)
			cidr, err := netip.ParsePrefix(fmt.Sprint(m["cidrBlock"]))
			if err != nil {
				continue
			}
			icmpType, icmpCode := icmpOf(m["icmpType"], m["icmpType"] != nil), icmpOf(m["icmpCode"], m["icmpCode"] != nil)
			out = append(out, naclEntry{toInt(m["ruleNo"]), dir == "egress", m["action"] == "allow", cidr, fmt.Sprint(m["protocol"]), toInt(m["fromPort"]), toInt(m["toPort"]), icmpType, icmpCode})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].number < out[j].number })
	return out
}

func (ix *Index) defaultACLOf(subnet *Resource) string {
	if vpc := ix.Ref(Str(subnet, "vpcId")); vpc != nil {
		return Str(vpc, "defaultNetworkAclId")
	}
	return ""
}

// icmpOf reads an ICMP type or code of a network ACL entry: -1 (any) when absent.
func icmpOf(v any, set bool) int {
	if !set {
		return -1
	}
	switch n := v.(type) {
	case string:
		var i int
		if _, err := fmt.Sscan(n, &i); err == nil {
			return i
		}
		return -1
	}
	return toInt(v)
}

func isTCP(proto string) bool      { return proto == "tcp" || proto == "6" }
func isICMP(proto string) bool     { return proto == "icmp" || proto == "1" }
func isAnyProto(proto string) bool { return proto == "-1" || proto == "all" }

// naclAllows evaluates a subnet's network ACL for TCP traffic with a peer address on a port: the
// first matching rule decides; no match denies.
func (ix *Index) naclAllows(subnet *Resource, egress bool, peer netip.Addr, port int) bool {
	return len(ix.naclTCPGaps(subnet, egress, peer, port, port)) == 0
}

// naclTCPGaps returns the ports of [lo, hi] a subnet's network ACL does not admit for TCP with a
// peer, as ranges (none when it admits them all): each entry decides the ports it covers that no
// earlier entry decided, and what no entry decides is denied.
func (ix *Index) naclTCPGaps(subnet *Resource, egress bool, peer netip.Addr, lo, hi int) [][2]int {
	undecided := [][2]int{{lo, hi}}
	var denied [][2]int
	for _, e := range ix.naclEntries(subnet) {
		if len(undecided) == 0 {
			break
		}
		if e.egress != egress || !e.cidr.Contains(peer) || !(isAnyProto(e.proto) || isTCP(e.proto)) {
			continue
		}
		from, to := e.from, e.to
		if isAnyProto(e.proto) {
			from, to = 0, 65535
		}
		var rest [][2]int
		for _, r := range undecided {
			a, b := max(r[0], from), min(r[1], to)
			if a > b {
				rest = append(rest, r)
				continue
			}
			if !e.allow {
				denied = append(denied, [2]int{a, b})
			}
			if r[0] < a {
				rest = append(rest, [2]int{r[0], a - 1})
			}
			if b < r[1] {
				rest = append(rest, [2]int{b + 1, r[1]})
			}
		}
		undecided = rest
	}
	denied = append(denied, undecided...)
	sort.Slice(denied, func(i, j int) bool { return denied[i][0] < denied[j][0] })
	return denied
}

// naclAllowsICMP evaluates a subnet's network ACL for an ICMP message of a type and code with a
// peer address.
func (ix *Index) naclAllowsICMP(subnet *Resource, egress bool, peer netip.Addr, typ, code int) bool {
	for _, e := range ix.naclEntries(subnet) {
		if e.egress != egress || !e.cidr.Contains(peer) {
			continue
		}
		if isAnyProto(e.proto) || (isICMP(e.proto) && (e.icmpType == -1 || e.icmpType == typ) && (e.icmpCode == -1 || e.icmpCode == code)) {
			return e.allow
		}
	}
	return false
}

const strategyReach = `Strategy 2, "Network Security": judged on effective reachability (security groups, routes and network ACLs together)`

var reachInvariants = []Invariant{
	{
		ID:        "REACH-01",
		Statement: "The internet can effectively reach only BFF load balancers, and only on tcp 443 and 80",
		Enforces:  strategyIngress + "; " + strategyReach,
		check:     checkInternetReach,
	},
	{
		ID:        "REACH-02",
		Statement: "Each database and cache is effectively reachable only from its declared users, and only on its port",
		Enforces:  `Strategy 2, "Firewall Rules": "only the Users Service is permitted to establish a connection with the user database"`,
		check:     checkStoreReach,
	},
	{
		ID:        "REACH-03",
		Statement: "No path is unknown: a path the analysis cannot decide is reported and fails, never assumed safe",
		Enforces:  strategyReach,
		check:     checkUnknownPaths,
	},
}

func nodeFinding(n Node, format string, args ...any) Finding {
	urn := n.URN
	if urn == "" {
		urn = n.Label()
	}
	return Finding{URN: urn, Message: fmt.Sprintf(format, args...)}
}

func checkInternetReach(ix *Index) (int, []Finding) {
	var fs []Finding
	paths := ix.Reachability()
	checked := 0
	for _, p := range paths {
		if p.From.Kind != "internet" {
			continue
		}
		checked++
		bff := p.To.Kind == "load-balancer" && p.To.Tags[BFFTag] != ""
		okPort := p.Protocol == "tcp" && p.FromPort == p.ToPort && (p.FromPort == 443 || p.FromPort == 80)
		if !bff || !okPort {
			fs = append(fs, nodeFinding(p.To, "the internet can reach it on %s %s; only BFF load balancers on tcp 443 and 80 may face the internet", p.Protocol, p.Ports()))
		}
	}
	return checked, fs
}

func checkStoreReach(ix *Index) (int, []Finding) {
	var fs []Finding
	checked := 0
	declared := func(n Node) []string {
		if n.Kind == "database" {
			return strings.Fields(n.Tags[OwnerTag])
		}
		return strings.Fields(n.Tags[UsersTag])
	}
	for _, p := range ix.Reachability() {
		if p.To.Kind != "database" && p.To.Kind != "cache" {
			continue
		}
		checked++
		users := declared(p.To)
		port, _ := Int(ix.URN(p.To.URN), "port")
		switch {
		case p.From.Kind != "service" || !slices.Contains(users, p.From.Name):
			fs = append(fs, nodeFinding(p.To, "%s can reach it on %s %s, but its declared users are %s", p.From.Label(), p.Protocol, p.Ports(), strings.Join(users, ", ")))
		case port != 0 && (p.FromPort != port || p.ToPort != port):
			fs = append(fs, nodeFinding(p.To, "%s can reach it on %s %s, not only on its port %d", p.From.Label(), p.Protocol, p.Ports(), port))
		}
	}
	return checked, fs
}

func checkUnknownPaths(ix *Index) (int, []Finding) {
	var fs []Finding
	paths := ix.Reachability()
	for _, p := range paths {
		if p.Status == Unknown {
			fs = append(fs, nodeFinding(p.From, "the path to %s (%s %s) cannot be decided: %s", p.To.Label(), p.Protocol, p.Ports(), p.Why))
		}
	}
	return len(paths), fs
}
