package query

import (
	"slices"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

// ObjectDeny is a Deny statement of a bucket's policy that applies to the bucket's objects
// (Resource "<bucket-arn>/*" or "*"), read as who it applies to. The condition keys it reads are
// AWS global keys (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html);
// a negated operator applies when the key is absent, as a service principal's request lacks
// aws:PrincipalArn (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
type ObjectDeny struct {
	Statement policydoc.Statement
	// AnyPrincipal: the statement names every principal ("*" or {"AWS": "*"}).
	AnyPrincipal bool
	// SparedArns are the principals an ArnNotEquals/ArnNotLike aws:PrincipalArn exempts;
	// SparedServices the AWS services a StringNotEquals aws:PrincipalServiceName exempts;
	// SparedAccounts the accounts a StringNotEquals aws:PrincipalAccount exempts. nil: none.
	SparedArns, SparedServices, SparedAccounts []string
	// OnlyArns are the principals an ArnEquals/ArnLike aws:PrincipalArn limits it to; nil: all.
	OnlyArns []string
	// OutsideEndpoints are the VPC endpoints a StringNotEquals aws:SourceVpce exempts: the Deny
	// applies to requests that come through none of them. nil: every request.
	OutsideEndpoints []string
	// Other lists the conditions it reads as "operator key" that are none of the above: the
	// statement may spare anyone, and is not relied upon.
	Other []string
}

// Covers reports whether the Deny names an action (by name or wildcard).
func (d ObjectDeny) Covers(action string) bool { return d.Statement.Covers(action) }

// Unconditional reports whether the Deny applies to every principal and request.
func (d ObjectDeny) Unconditional() bool { return d.AnyPrincipal && len(d.Statement.Condition) == 0 }

// AppliesToAll reports whether the Deny names every principal, is not limited to some, applies
// through any endpoint and has no condition it does not understand: whom it spares is then
// exactly SparedArns, SparedServices and SparedAccounts.
func (d ObjectDeny) AppliesToAll() bool {
	return d.AnyPrincipal && d.OnlyArns == nil && d.OutsideEndpoints == nil && len(d.Other) == 0
}

// ObjectDenies reads the Deny statements of a bucket's policies that apply to its objects.
func (ix *Index) ObjectDenies(b *Resource) []ObjectDeny {
	objects := Str(b, "arn") + "/*"
	if Str(b, "arn") == "" {
		objects = "arn:aws:s3:::" + Str(b, "bucket") + "/*"
	}
	var out []ObjectDeny
	for _, doc := range ix.BucketPolicies(b) {
		for _, st := range doc.Statement {
			if st.Effect != policydoc.Deny || !(slices.Contains(st.Resource, objects) || slices.Contains(st.Resource, "*")) {
				continue
			}
			ps := st.Principals()
			d := ObjectDeny{Statement: st, AnyPrincipal: slices.Contains(ps["*"], "*") || slices.Contains(ps["AWS"], "*")}
			for op, kv := range st.Condition {
				for key, v := range kv {
					values := policydoc.StringList(v)
					switch k := strings.ToLower(key); {
					case (op == "ArnNotEquals" || op == "ArnNotLike") && k == "aws:principalarn":
						d.SparedArns = append(d.SparedArns, values...)
					case (op == "ArnEquals" || op == "ArnLike") && k == "aws:principalarn":
						d.OnlyArns = append(d.OnlyArns, values...)
					case op == "StringNotEquals" && k == "aws:principalservicename":
						d.SparedServices = append(d.SparedServices, values...)
					case op == "StringNotEquals" && k == "aws:principalaccount":
						d.SparedAccounts = append(d.SparedAccounts, values...)
					case op == "StringNotEquals" && k == "aws:sourcevpce":
						d.OutsideEndpoints = append(d.OutsideEndpoints, values...)
					default:
						d.Other = append(d.Other, op+" "+key)
					}
				}
			}
			slices.Sort(d.Other)
			out = append(out, d)
		}
	}
	return out
}

// BucketUsers are the roles a bucket's policies allow to read and to write its objects
// (BucketPrincipals), each once.
func (ix *Index) BucketUsers(b *Resource) (readers, writers []Principal) {
	for _, a := range ix.BucketPrincipals(b) {
		switch {
		case !a.Who.IsRole():
		case a.Access == ReadsObjects && !slices.Contains(readers, a.Who):
			readers = append(readers, a.Who)
		case a.Access == WritesObjects && !slices.Contains(writers, a.Who):
			writers = append(writers, a.Who)
		}
	}
	return readers, writers
}

// S3GatewayEndpointOf returns the stack's S3 gateway endpoint with an id, or nil.
func (ix *Index) S3GatewayEndpointOf(id string) *Resource {
	if ep := ix.Ref(id); ep != nil && ep.Type == contract.TypeVpcEndpoint && IsGatewayEndpoint(ep) &&
		EndpointName(Str(ep, "serviceName")) == contract.S3GatewayEndpoint {
		return ep
	}
	return nil
}

// ObjectLock is a bucket's S3 Object Lock: on or not, and its default retention.
type ObjectLock struct {
	Config  *Resource // the Object Lock configuration of the stack that turns it on (nil: none)
	Enabled bool      // objectLockEnabled "Enabled" (its default)
	Mode    string    // GOVERNANCE or COMPLIANCE; "" without a default retention
	Days    int       // the default retention in days, or
	Years   int       // in years
}

// ObjectLockOf reads a bucket's Object Lock configuration (the first, S3 keeps one per bucket).
func (ix *Index) ObjectLockOf(b *Resource) ObjectLock {
	for _, c := range ix.SideResources(b, contract.TypeBucketObjectLock) {
		lock := ObjectLock{Config: c, Enabled: Str(c, "objectLockEnabled") == "" || Str(c, "objectLockEnabled") == "Enabled"}
		v, _ := Prop(c, "rule")
		rule, _ := v.(map[string]any)
		ret, _ := rule["defaultRetention"].(map[string]any)
		lock.Mode, _ = ret["mode"].(string)
		lock.Days, lock.Years = ToInt(ret["days"]), ToInt(ret["years"])
		return lock
	}
	return ObjectLock{}
}
