package pack

import (
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/mockcloud"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/policy"
	"github.com/secure-vpc/secure-vpc/query"
)

// Unresolved is a value of a resource that is not known until the update applies and that no
// dependency of the resource explains as a reference: the invariants cannot judge it.
type Unresolved struct {
	URN  string
	Path string   // where it is in the resource's properties, e.g. policy or ingress[0].cidrBlocks[1]
	From []string // the URNs it is computed from (its property dependencies), sorted
}

// Export converts what the engine hands a stack policy into the shape of `pulumi stack export`
// that policy.Evaluate reads, and lists the values it could not make known.
//
// The engine sends each resource's outputs (for the resources of the Terraform-bridged AWS
// provider they hold the inputs too) without its id: the id is the "id" output when there is one.
// The properties are written as both inputs and outputs (an invariant that reads inputs only, such
// as a security group's inline rules, must see them). A resource is custom when it has a provider
// (or is one); the stack and component resources have none.
//
// In a preview, the outputs of a resource not yet created are unknown (stackstate.Unknown), and so
// is every value computed from them. An unknown value that is a reference (its key ends in Id,
// Ids, Arn, Arns or Name, or names the type of the resource it depends on, such as subnets or
// securityGroups) and whose property depends on one resource of that kind becomes a reference to
// that resource: its id or ARN, or a placeholder for the id or ARN the resource will get
// ("[unknown id of <URN>]"). A whole list of references unknown (subnetIds) becomes the list of
// the resources of its kind its property depends on. A resource whose outputs carry no id takes it
// from its ARN when that is an EC2 ARN, or else from a known reference to it: under a key that
// names its type, in a property that depends on no other resource of that type, and that is none of
// its outputs. Any other unknown value
// computed from other resources (a policy document built from ARNs, a container definition naming
// a secret) stays unknown and is listed: Unresolved. An unknown output the provider assigns to the
// resource itself (its ARN, an endpoint, an owner id) is not listed: every resource a preview
// creates has some, and the invariants judge what the program asks for; an invariant that reads
// one sees stackstate.Unknown, which names no resource of the stack.
func Export(rs []policyx.AnalyzerResource) (*stackstate.Export, []Unresolved) {
	out := &stackstate.Export{Version: 3, Deployment: stackstate.Deployment{
		Manifest: stackstate.Manifest{Magic: "secure-vpc policy pack", Version: "policyx"}}}
	for _, r := range rs {
		props := mockcloud.Plain(resource.ToResourcePropertyMap(r.Properties))
		custom := r.Provider.URN != "" || strings.HasPrefix(r.Type, contract.TypeProviderPrefix)
		id, _ := props["id"].(string)
		if id == stackstate.Unknown {
			id = ""
		}
		provider := ""
		if r.Provider.URN != "" {
			provider = r.Provider.URN + "::" + stackstate.Unknown
		}
		out.Deployment.Resources = append(out.Deployment.Resources, stackstate.Resource{
			URN: r.URN, Custom: custom && r.Type != contract.TypeStack, ID: id, Type: r.Type,
			Inputs: props, Outputs: props, Parent: r.Parent, Protect: r.Options.Protect,
			Dependencies: r.Dependencies, PropertyDependencies: r.PropertyDependencies, Provider: provider,
		})
	}
	return out, resolve(out)
}

// resolve makes the references of an export known where its dependencies say what they are, and
// returns the unknown values left.
func resolve(e *stackstate.Export) []Unresolved {
	res := e.Deployment.Resources
	byURN := map[string]*stackstate.Resource{}
	for i := range res {
		byURN[res[i].URN] = &res[i]
	}
	known := func(ref string) bool {
		for i := range res {
			if ref == res[i].ID || ref == query.Str(&res[i], "arn") {
				return true
			}
		}
		return false
	}
	for i := range res {
		r := &res[i]
		// An EC2 or Route 53 Resolver ARN ends in <resource type>/<id>
		// (arn:aws:ec2:eu-west-1:123456789012:vpc-endpoint/vpce-0abc,
		// arn:aws:route53resolver:eu-west-1:123456789012:firewall-rule-group/rslvr-frg-0abc):
		// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html#amazonec2-resources-for-iam-policies,
		// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonroute53resolver.html#amazonroute53resolver-resources-for-iam-policies
		if arn := query.Str(r, "arn"); r.Custom && r.ID == "" && idEndsARN(arn) {
			r.ID = arn[strings.LastIndex(arn, "/")+1:]
		}
	}
	var left []Unresolved
	for i := range res {
		r := &res[i]
		if !r.Custom || strings.HasPrefix(r.Type, contract.TypeProviderPrefix) {
			continue
		}
		keys := make([]string, 0, len(r.Outputs))
		for k := range r.Outputs {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, key := range keys {
			var deps []*stackstate.Resource
			for _, u := range r.PropertyDependencies[key] {
				if d := byURN[u]; d != nil && d.Custom && !strings.HasPrefix(d.Type, contract.TypeProviderPrefix) {
					deps = append(deps, d)
				}
			}
			used := map[string]map[*stackstate.Resource]bool{} // per key: the dependencies already referred to
			r.Outputs[key] = walk(r.Outputs[key], key, key, false, func(path, k string, element bool, leaf string) any {
				if leaf != stackstate.Unknown && (len(deps) == 0 || !isRefKey(k) || known(leaf)) {
					return leaf
				}
				if leaf == stackstate.Unknown && !element && plural(k) {
					// A whole list unknown (an output of the program's, or an apply): the resources
					// of its kind it depends on.
					var list []any
					for _, d := range deps {
						if namesType(k, d.Type) {
							list = append(list, refTo(d, k))
						}
					}
					if len(list) > 0 {
						return list
					}
				}
				if used[k] == nil {
					used[k] = map[*stackstate.Resource]bool{}
				}
				d := pick(k, deps, used[k])
				switch {
				case d == nil && leaf == stackstate.Unknown && len(r.PropertyDependencies[key]) == 0:
					return leaf // an output the provider assigns (arn, endpoint): see Export
				case d == nil && leaf == stackstate.Unknown:
					left = append(left, Unresolved{URN: r.URN, Path: path, From: urns(deps)})
					return leaf
				case d == nil:
					return leaf
				case leaf != stackstate.Unknown:
					if d.ID == "" && named(k, deps) == 1 && namesType(k, d.Type) && (!holds(d, leaf) || idByName(k, d, leaf)) {
						d.ID = leaf // a known reference to the one resource of its kind it depends on, whose outputs carry no id
					}
					return leaf
				}
				used[k][d] = true
				return refTo(d, k)
			})
		}
	}
	for i := range res {
		r := &res[i]
		if r.Custom && r.ID == "" {
			r.ID = "[unknown id of " + r.URN + "]"
		}
		if r.Custom && r.Outputs["arn"] == stackstate.Unknown {
			r.Outputs["arn"] = "[unknown arn of " + r.URN + "]"
		}
	}
	return left
}

// idEndsARN reports whether an ARN's last segment is its resource's id: EC2's and Route 53
// Resolver's (not, for example, ECR's, whose repository names may hold a slash).
func idEndsARN(arn string) bool {
	return (strings.HasPrefix(arn, "arn:aws:ec2:") || strings.HasPrefix(arn, "arn:aws:route53resolver:")) && strings.Contains(arn, "/")
}

// walk rewrites every string leaf of v with f (path is where the leaf is, key the map key that
// holds it or its list, element whether it is an element of a list).
func walk(v any, path, key string, element bool, f func(path, key string, element bool, leaf string) any) any {
	switch t := v.(type) {
	case string:
		return f(path, key, element, t)
	case []any:
		for i := range t {
			t[i] = walk(t[i], path+"["+strconv.Itoa(i)+"]", key, true, f)
		}
	case map[string]any:
		if stackstate.IsSecret(t) {
			return t
		}
		ks := make([]string, 0, len(t))
		for k := range t {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		for _, k := range ks {
			t[k] = walk(t[k], path+"."+k, k, false, f)
		}
	}
	return v
}

// isRefKey reports whether a property key names a reference to another resource by its id, ARN or
// name (dbSubnetGroupName: the name is the subnet group's id).
func isRefKey(k string) bool {
	for _, s := range []string{"Id", "Ids", "Arn", "Arns", "Name"} {
		if strings.HasSuffix(k, s) {
			return true
		}
	}
	return false
}

// pick returns the dependency a reference under key k points to: one whose type the key names
// (subnetIds: a subnet) that an earlier element of the same list did not take, or the only
// dependency when k is a reference key. Nil when there is none.
func pick(k string, deps []*stackstate.Resource, used map[*stackstate.Resource]bool) *stackstate.Resource {
	named := 0
	for _, d := range deps {
		if namesType(k, d.Type) {
			named++
			if !used[d] {
				return d
			}
		}
	}
	if named == 0 && len(deps) == 1 && isRefKey(k) {
		return deps[0]
	}
	return nil
}

// named counts the dependencies whose type key k names.
func named(k string, deps []*stackstate.Resource) int {
	n := 0
	for _, d := range deps {
		if namesType(k, d.Type) {
			n++
		}
	}
	return n
}

// plural reports whether a key names a list of references (subnetIds, securityGroups).
func plural(k string) bool {
	return strings.HasSuffix(k, "Ids") || strings.HasSuffix(k, "Arns") || strings.HasSuffix(k, "s")
}

// namesType reports whether key k names a resource of type typ: "vpcSecurityGroupIds" and
// "securityGroups" name aws:ec2/securityGroup:SecurityGroup, "kmsKeyId" aws:kms/key:Key.
func namesType(k, typ string) bool {
	base := strings.ToLower(k)
	for _, s := range []string{"ids", "id", "arns", "arn", "name", "s"} {
		if strings.HasSuffix(base, s) && len(base) > len(s) {
			base = strings.TrimSuffix(base, s)
			break
		}
	}
	short := strings.TrimSuffix(strings.ToLower(query.ShortType(typ)), "v2") // BucketV2 is a bucket
	// A key may also drop the type's leading words (firewallRuleGroupId names a
	// ResolverFirewallRuleGroup), when what it keeps is specific (two words or more).
	return short != "" && (strings.HasSuffix(base, short) || len(base) >= minDroppedPrefixKey && strings.HasSuffix(short, base))
}

// minDroppedPrefixKey is how long the part of a key that names a type must be for the key to
// name a type by its last words only (firewallrulegroup, not group or key).
const minDroppedPrefixKey = 12

// refTo is the reference a key expects to a resource: its ARN for an ...Arn key, else its id.
func refTo(d *stackstate.Resource, k string) string {
	if strings.HasSuffix(strings.ToLower(k), "arn") || strings.HasSuffix(strings.ToLower(k), "arns") {
		if arn := query.Str(d, "arn"); arn != "" && arn != stackstate.Unknown {
			return arn
		}
		if d.Outputs == nil {
			d.Outputs = map[string]any{}
		}
		d.Outputs["arn"] = "[unknown arn of " + d.URN + "]"
		return d.Outputs["arn"].(string)
	}
	if d.ID == "" {
		d.ID = "[unknown id of " + d.URN + "]"
	}
	return d.ID
}

// holds reports whether one of a resource's outputs is the value v (a gateway endpoint's
// prefixListId is a reference to it, but not its id).
// idByName reports whether a reference under an id key (...Id, ...Ids) is the resource's name: a
// resource whose id is its name (an IAM role, an ECR repository, a provider that names its ids).
func idByName(k string, d *stackstate.Resource, v string) bool {
	return (strings.HasSuffix(k, "Id") || strings.HasSuffix(k, "Ids")) && v == query.Str(d, "name")
}

func holds(r *stackstate.Resource, v string) bool {
	for _, x := range r.Outputs {
		if x == v {
			return true
		}
	}
	return false
}

func urns(rs []*stackstate.Resource) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.URN)
	}
	slices.Sort(out)
	return out
}

// inert reports whether a resource carries nothing an invariant judges (policy.Inert), so an
// unknown value in it is not worth reporting.
func inert(typ string) bool { return policy.Inert(typ) != "" }
