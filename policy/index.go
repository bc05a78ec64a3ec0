// Package policy evaluates the security strategy's invariants over a list of resources: an
// offline plan or the `pulumi stack export` of a real stack. It needs neither the program nor its
// config nor AWS credentials.
package policy

import (
	"sort"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/policydoc"

	"github.com/secure-vpc/secure-vpc/internal/stackstate"
)

// Resource is one resource of a plan or export.
type Resource = stackstate.Resource

// Type tokens the invariants read.
const (
	TypeVpc                  = "aws:ec2/vpc:Vpc"
	TypeSubnet               = "aws:ec2/subnet:Subnet"
	TypeRouteTable           = "aws:ec2/routeTable:RouteTable"
	TypeRoute                = "aws:ec2/route:Route"
	TypeRouteTableAssoc      = "aws:ec2/routeTableAssociation:RouteTableAssociation"
	TypeInternetGateway      = "aws:ec2/internetGateway:InternetGateway"
	TypeNatGateway           = "aws:ec2/natGateway:NatGateway"
	TypeDefaultSecurityGroup = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
	TypeSecurityGroup        = "aws:ec2/securityGroup:SecurityGroup"
	TypeSGRule               = "aws:ec2/securityGroupRule:SecurityGroupRule"
	TypeSGIngressRule        = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	TypeSGEgressRule         = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	TypeFlowLog              = "aws:ec2/flowLog:FlowLog"
	TypeLogGroup             = "aws:cloudwatch/logGroup:LogGroup"
	TypeKMSKey               = "aws:kms/key:Key"
	TypeVpcEndpoint          = "aws:ec2/vpcEndpoint:VpcEndpoint"
	TypeNetworkACL           = "aws:ec2/networkAcl:NetworkAcl"
	TypeNetworkACLRule       = "aws:ec2/networkAclRule:NetworkAclRule"
	TypeNetworkACLAssoc      = "aws:ec2/networkAclAssociation:NetworkAclAssociation"
	TypeDefaultNetworkACL    = "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"
	TypeEip                  = "aws:ec2/eip:Eip"
)

// TierTag is the tag that declares a subnet's tier.
const TierTag = "secure-vpc:tier"

// Index gives the invariants fast lookups over the resources.
type Index struct {
	Resources []*Resource
	byType    map[string][]*Resource
	byArn     map[string]*Resource // arn -> resource (the first to claim it)
	byID      map[string]*Resource // id -> resource (the first to claim it)
	byURN     map[string]*Resource
	where     map[string]map[string][]*Resource // type+"."+key -> value -> resources

	reach        []Path                            // computed once by Reachability
	secretGrants map[string][]string               // secret ARN -> services whose role policies may read it
	nacls        map[string][]naclEntry            // subnet id -> the entries of its network ACL, in evaluation order
	policies     map[*Resource]*policydoc.Document // parsed "policy" inputs, by resource
}

// Named returns the resource of a type that a reference by name points to: the one with that id,
// or else the first whose property key holds the name (subnet groups, parameter groups, buckets
// and log groups are referred to by name).
func (ix *Index) Named(typ, key, name string) *Resource {
	if name == "" {
		return nil
	}
	if r := ix.byID[name]; r != nil && r.Type == typ {
		return r
	}
	if rs := ix.Where(typ, key, name); len(rs) > 0 {
		return rs[0]
	}
	return nil
}

// PolicyOf parses the "policy" input of a resource once; nil when absent or invalid.
func (ix *Index) PolicyOf(r *Resource) *policydoc.Document {
	if doc, done := ix.policies[r]; done {
		return doc
	}
	var out *policydoc.Document
	if doc, err := policydoc.Parse(Str(r, "policy")); err == nil && Str(r, "policy") != "" {
		out = &doc
	}
	ix.policies[r] = out
	return out
}

// Where returns the resources of a type whose property key equals value (or, for a list
// property, contains it). Each (type, key) is indexed once, so lookups stay constant-time and a
// whole evaluation stays linear in the size of the stack.
func (ix *Index) Where(typ, key, value string) []*Resource {
	if value == "" {
		return nil
	}
	k := typ + "." + key
	m, built := ix.where[k]
	if !built {
		m = map[string][]*Resource{}
		for _, r := range ix.byType[typ] {
			v, _ := Prop(r, key)
			switch t := v.(type) {
			case string:
				m[t] = append(m[t], r)
			case []any:
				for _, x := range t {
					if s, ok := x.(string); ok {
						m[s] = append(m[s], r)
					}
				}
			}
		}
		ix.where[k] = m
	}
	return m[value]
}

// NewIndex indexes an export.
func NewIndex(e *stackstate.Export) *Index {
	ix := &Index{byType: map[string][]*Resource{}, byArn: map[string]*Resource{}, byID: map[string]*Resource{}, byURN: map[string]*Resource{},
		where: map[string]map[string][]*Resource{}, policies: map[*Resource]*policydoc.Document{},
		nacls: map[string][]naclEntry{}}
	for i := range e.Deployment.Resources {
		r := &e.Deployment.Resources[i]
		ix.Resources = append(ix.Resources, r)
		ix.byType[r.Type] = append(ix.byType[r.Type], r)
		ix.byURN[r.URN] = r
		if !r.Custom {
			continue
		}
		// Some resources take another's ARN as their id (a secret's policy, a web ACL's logging
		// configuration): an ARN names its own resource first.
		if _, taken := ix.byID[r.ID]; r.ID != "" && !taken {
			ix.byID[r.ID] = r
		}
		if _, taken := ix.byArn[Str(r, "arn")]; Str(r, "arn") != "" && !taken {
			ix.byArn[Str(r, "arn")] = r
		}
	}
	return ix
}

// OfType returns the resources of the given type tokens (aws:alb and aws:lb aliases included by
// the caller), in export order.
func (ix *Index) OfType(types ...string) []*Resource {
	var out []*Resource
	for _, t := range types {
		out = append(out, ix.byType[t]...)
	}
	return out
}

// Ref resolves an id or ARN to the resource it names, or nil.
func (ix *Index) Ref(ref string) *Resource {
	if ref == "" {
		return nil
	}
	if r, ok := ix.byArn[ref]; ok {
		return r
	}
	return ix.byID[ref]
}

// URN returns the resource with the given URN, or nil.
func (ix *Index) URN(urn string) *Resource { return ix.byURN[urn] }

// Name is the logical name at the end of a URN.
func Name(r *Resource) string {
	if i := strings.LastIndex(r.URN, "::"); i >= 0 {
		return r.URN[i+2:]
	}
	return r.URN
}

// Prop reads a property from the inputs, falling back to the outputs (a real export has both;
// computed properties live only in the outputs).
func Prop(r *Resource, key string) (any, bool) {
	if v, ok := r.Inputs[key]; ok && v != nil {
		return v, true
	}
	v, ok := r.Outputs[key]
	return v, ok && v != nil
}

// Str reads a string property ("" when absent or not a string).
func Str(r *Resource, key string) string {
	v, _ := Prop(r, key)
	s, _ := v.(string)
	return s
}

// Bool reads a boolean property and whether it was set.
func Bool(r *Resource, key string) (bool, bool) {
	v, ok := Prop(r, key)
	b, isBool := v.(bool)
	return b, ok && isBool
}

// Int reads a whole-number property and whether it was set.
func Int(r *Resource, key string) (int, bool) {
	v, ok := Prop(r, key)
	if !ok {
		return 0, false
	}
	switch n := v.(type) {
	case float64:
		return int(n), true
	case int64:
		return int(n), true
	case int:
		return n, true
	}
	return 0, false
}

// List reads a list property.
func List(r *Resource, key string) []any {
	v, _ := Prop(r, key)
	l, _ := v.([]any)
	return l
}

// Strings reads a list-of-strings property.
func Strings(r *Resource, key string) []string {
	var out []string
	for _, x := range List(r, key) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// Tags reads the tags of a resource.
func Tags(r *Resource) map[string]string {
	out := map[string]string{}
	v, _ := Prop(r, "tags")
	if m, ok := v.(map[string]any); ok {
		for k, x := range m {
			if s, ok := x.(string); ok {
				out[k] = s
			}
		}
	}
	return out
}

// Tier is the declared tier of a subnet or route table ("" when undeclared).
func Tier(r *Resource) string { return Tags(r)[TierTag] }

// SubnetRouteTables returns the route tables explicitly associated with a subnet.
func (ix *Index) SubnetRouteTables(subnet *Resource) []*Resource {
	var out []*Resource
	for _, a := range ix.Where(TypeRouteTableAssoc, "subnetId", subnet.ID) {
		if rt := ix.Ref(Str(a, "routeTableId")); rt != nil {
			out = append(out, rt)
		}
	}
	return out
}

// Route is a normalised route: from an ec2.Route or an inline route of a route table.
type Route struct {
	Source      *Resource
	Destination string
	Target      string // the id of the gateway, NAT, endpoint... it sends to
	TargetKind  string // internet-gateway, nat-gateway, vpc-endpoint, other
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
	for _, r := range ix.Where(TypeRoute, "routeTableId", rt.ID) {
		add(r, r.Inputs)
	}
	for _, x := range List(rt, "routes") {
		if m, ok := x.(map[string]any); ok {
			add(rt, m)
		}
	}
	for _, ep := range ix.Where(TypeVpcEndpoint, "routeTableIds", rt.ID) {
		out = append(out, Route{Source: ep, Destination: "prefix list of " + Str(ep, "serviceName"), Target: ep.ID, TargetKind: "vpc-endpoint"})
	}
	return out
}

func (ix *Index) targetKind(field, target string) string {
	if r := ix.Ref(target); r != nil {
		switch r.Type {
		case TypeInternetGateway:
			return "internet-gateway"
		case TypeNatGateway:
			return "nat-gateway"
		case TypeVpcEndpoint:
			return "vpc-endpoint"
		}
	}
	switch {
	case field == "natGatewayId" || strings.HasPrefix(target, "nat-"):
		return "nat-gateway"
	case strings.HasPrefix(target, "igw-"):
		return "internet-gateway"
	case strings.HasPrefix(target, "vpce-"):
		return "vpc-endpoint"
	}
	return "other"
}

func firstString(m map[string]any, keys ...string) string {
	for _, k := range keys {
		if s, _ := m[k].(string); s != "" {
			return s
		}
	}
	return ""
}

// IsDefaultRoute reports whether a destination covers the whole internet.
func IsDefaultRoute(dest string) bool { return dest == "0.0.0.0/0" || dest == "::/0" }

func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].URN != fs[j].URN {
			return fs[i].URN < fs[j].URN
		}
		return fs[i].Message < fs[j].Message
	})
}
