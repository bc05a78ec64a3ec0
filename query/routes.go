package query

import (
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/contract"
)

// SubnetRouteTables returns the route tables explicitly associated with a subnet (none: the
// subnet uses the VPC's main route table, see EffectiveRouteTables).
func (ix *Index) SubnetRouteTables(subnet *Resource) []*Resource {
	var out []*Resource
	for _, a := range ix.Where(contract.TypeRouteTableAssoc, "subnetId", subnet.ID) {
		if rt := ix.Ref(Str(a, "routeTableId")); rt != nil {
			out = append(out, rt)
		}
	}
	return out
}

// EffectiveRouteTables returns the route tables that route a subnet's traffic: those explicitly
// associated with it, else its VPC's main route table: the table a MainRouteTableAssociation
// names, else the VPC's own main table (adopted as a DefaultRouteTable, or only named by the VPC,
// in which case the result is a stand-in table with the VPC's URN and the main table's id, whose
// routes are the ec2.Route resources that name it). None when the subnet has no explicit
// association and its VPC is not in the stack.
func (ix *Index) EffectiveRouteTables(subnet *Resource) []*Resource {
	if out := ix.SubnetRouteTables(subnet); len(out) > 0 {
		return out
	}
	vpc := ix.Ref(Str(subnet, "vpcId"))
	if vpc == nil {
		return nil
	}
	mainID := Str(vpc, "mainRouteTableId")
	for _, a := range ix.Where(contract.TypeMainRouteTableAssoc, "vpcId", vpc.ID) {
		mainID = Str(a, "routeTableId")
	}
	if mainID == "" {
		return nil
	}
	if rt := ix.Ref(mainID); rt != nil {
		return []*Resource{rt}
	}
	for _, rt := range ix.Where(contract.TypeDefaultRouteTable, "defaultRouteTableId", mainID) {
		return []*Resource{rt}
	}
	return []*Resource{{URN: vpc.URN, Type: contract.TypeRouteTable, ID: mainID, Custom: true}}
}

// Route is a normalised route: from an ec2.Route, an inline route of a route table, or a gateway
// endpoint that names the route table.
type Route struct {
	Source      *Resource            // the resource that declares the route
	Destination string               // a CIDR, a prefix list id, or "prefix list of <service>" for a gateway endpoint
	Target      string               // the id of the gateway, NAT, endpoint... it sends to
	TargetKind  contract.RouteTarget // what the target is
}

// Routes returns the routes of a route table, including gateway-endpoint routes.
func (ix *Index) Routes(rt *Resource) []Route {
	var out []Route
	add := func(src *Resource, m map[string]any) {
		dest := firstString(m, "destinationCidrBlock", "cidrBlock", "destinationIpv6CidrBlock", "ipv6CidrBlock", "destinationPrefixListId")
		for _, k := range []string{"gatewayId", "natGatewayId", "vpcEndpointId", "transitGatewayId", "egressOnlyGatewayId", "networkInterfaceId", "vpcPeeringConnectionId", "carrierGatewayId", "localGatewayId"} {
			if target, _ := m[k].(string); target != "" {
				out = append(out, Route{Source: src, Destination: dest, Target: target, TargetKind: ix.targetKind(k, target)})
			}
		}
	}
	id := rt.ID
	if rt.Type == contract.TypeDefaultRouteTable {
		id = Str(rt, "defaultRouteTableId") // the main table's own id, which routes name
	}
	for _, r := range ix.Where(contract.TypeRoute, "routeTableId", id) {
		add(r, r.Inputs)
	}
	for _, x := range List(rt, "routes") {
		if m, ok := x.(map[string]any); ok {
			add(rt, m)
		}
	}
	for _, ep := range ix.Where(contract.TypeVpcEndpoint, "routeTableIds", id) {
		out = append(out, Route{Source: ep, Destination: "prefix list of " + Str(ep, "serviceName"), Target: ep.ID, TargetKind: contract.VPCEndpointTarget})
	}
	return out
}

// targetKind says what a route target is: by the resource it names when the stack holds it,
// else by the field and the id's prefix.
func (ix *Index) targetKind(field, target string) contract.RouteTarget {
	if r := ix.Ref(target); r != nil {
		switch r.Type {
		case contract.TypeInternetGateway:
			return contract.InternetGatewayTarget
		case contract.TypeNatGateway:
			return contract.NATGatewayTarget
		case contract.TypeVpcEndpoint:
			return contract.VPCEndpointTarget
		}
	}
	switch {
	case field == "natGatewayId" || strings.HasPrefix(target, "nat-"):
		return contract.NATGatewayTarget
	case strings.HasPrefix(target, "igw-"):
		return contract.InternetGatewayTarget
	case strings.HasPrefix(target, "vpce-"):
		return contract.VPCEndpointTarget
	}
	return contract.OtherTarget
}

// IsDefaultRoute reports whether a destination covers the whole internet.
func IsDefaultRoute(dest string) bool { return dest == "0.0.0.0/0" || dest == "::/0" }

// RoutesTo reports whether a subnet has a default route to a target of a kind.
func (ix *Index) RoutesTo(subnet *Resource, kind contract.RouteTarget) bool {
	return len(ix.DefaultRouteTargets(subnet, kind)) > 0
}

// DefaultRouteTargets returns the ids of the targets of a kind (internet gateway, NAT gateway)
// of a subnet's default routes.
func (ix *Index) DefaultRouteTargets(subnet *Resource, kind contract.RouteTarget) []string {
	var out []string
	for _, rt := range ix.EffectiveRouteTables(subnet) {
		for _, r := range ix.Routes(rt) {
			if IsDefaultRoute(r.Destination) && r.TargetKind == kind {
				out = append(out, r.Target)
			}
		}
	}
	return out
}
