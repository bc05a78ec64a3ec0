package policy

import (
	"slices"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
	"github.com/secure-vpc/secure-vpc/query"
)

// Issue 12, the bucket perimeter: within one account an Allow in either the IAM policy or the
// bucket policy is enough, so a bucket guards its objects only by what its policy denies.
var bucketInvariants = []Invariant{
	{
		ID:        "BUCKET-01",
		Statement: "Every data bucket's policy denies every S3 action that reads its objects to every principal but its readers, and every action that changes them to every principal but its writers; its readers and writers are services' task roles",
		Enforces:  `Strategy 1, "Authentication & Authorization": least privilege inside the account (administrators and other services' roles cannot read or write a service's objects)`,
		Covers:    []string{contract.TypeBucket, contract.TypeBucketPolicy, contract.TypeIAMRole},
		check:     checkBucketObjectsDenied,
	},
	{
		ID:        "BUCKET-02",
		Statement: "Every data bucket's policy denies its readers and writers every S3 action outside the stack's S3 gateway endpoint (aws:SourceVpce)",
		Enforces:  `Strategy 2, "Private Network (VPC)": stolen task credentials do not reach the data from outside the VPC`,
		Covers:    []string{contract.TypeBucket, contract.TypeBucketPolicy, contract.TypeVpcEndpoint},
		check:     checkBucketEndpointOnly,
	},
	{
		ID:        "BUCKET-03",
		Statement: "No principal may delete an object version, change a retention or legal hold, or bypass governance retention in any bucket: its policy denies those actions to every principal and allows them to none",
		Enforces:  `Strategy 3, "Encryption at Rest" (integrity): one compromised writer or administrator cannot wipe a bucket's history; Security Hub S3.14 keeps the versions`,
		Covers:    []string{contract.TypeBucket, contract.TypeBucketPolicy},
		check:     checkVersionsKept,
	},
	{
		ID:        "BUCKET-04",
		Statement: "Every data bucket of a stack that protects its stores has S3 Object Lock on, with a default retention in governance or compliance mode",
		Enforces:  "Tamper-evident prod data: every new object version is kept for the retention whatever a request says; Security Hub S3.15, CKV_AWS_143",
		Covers:    []string{contract.TypeBucket, contract.TypeBucketObjectLock},
		check:     checkObjectLock,
	},
	{
		ID:        "BUCKET-05",
		Statement: "The access-log bucket's policy denies every S3 action that changes its objects to every principal but the log delivery services and accounts it admits",
		Enforces:  `Audit: access logs cannot be written or rewritten by anyone in the account (S3 refuses Object Lock on a server access log target: this is the documented equivalent)`,
		Covers:    []string{contract.TypeBucket, contract.TypeBucketPolicy},
		check:     checkLogBucketWrites,
	},
}

// dataBuckets are the buckets that are not the access-log bucket.
func dataBuckets(ix *query.Index) []*query.Resource {
	var out []*query.Resource
	for _, b := range ix.OfType(contract.TypeBucket) {
		if query.Purpose(b) != contract.AccessLogsPurpose {
			out = append(out, b)
		}
	}
	return out
}

// labels names principals for a message ("nobody" for none).
func labels(ps []query.Principal) string {
	if len(ps) == 0 {
		return "nobody"
	}
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Label()
	}
	return strings.Join(out, ", ")
}

// undenied returns the actions no Deny of the bucket covers while sparing at most the given
// principals (and no AWS service or account).
func undenied(ix *query.Index, denies []query.ObjectDeny, actions []string, spared []query.Principal) []string {
	var out []string
	for _, a := range actions {
		if !slices.ContainsFunc(denies, func(d query.ObjectDeny) bool {
			return d.Covers(a) && d.AppliesToAll() && len(d.SparedServices)+len(d.SparedAccounts) == 0 &&
				!slices.ContainsFunc(d.SparedArns, func(arn string) bool { return !slices.Contains(spared, ix.PrincipalOf(arn)) })
		}) {
			out = append(out, a)
		}
	}
	return out
}

func checkBucketObjectsDenied(ix *query.Index) (int, []Finding) {
	var fs []Finding
	buckets := dataBuckets(ix)
	for _, b := range buckets {
		readers, writers := ix.BucketUsers(b)
		for _, p := range append(slices.Clone(readers), writers...) {
			if p.Kind != query.ServiceRolePrincipal || p.Role != contract.TaskRole {
				fs = append(fs, finding(b, "its policy lets %s use its objects; only services' task roles may", p.Label()))
			}
		}
		denies := ix.ObjectDenies(b)
		if missing := undenied(ix, denies, awslimits.S3ObjectReadActions, readers); len(missing) > 0 {
			fs = append(fs, finding(b, "its policy does not deny %s to every principal but its readers (%s); deny reads by wildcard (s3:GetObject*) with ArnNotEquals aws:PrincipalArn",
				strings.Join(missing, ", "), labels(readers)))
		}
		if missing := undenied(ix, denies, awslimits.S3ObjectWriteActions, writers); len(missing) > 0 {
			fs = append(fs, finding(b, "its policy does not deny %s to every principal but its writers (%s); deny writes by wildcard (s3:PutObject*, s3:DeleteObject*, ...) with ArnNotEquals aws:PrincipalArn",
				strings.Join(missing, ", "), labels(writers)))
		}
	}
	return len(buckets), fs
}

func checkBucketEndpointOnly(ix *query.Index) (int, []Finding) {
	var fs []Finding
	buckets := dataBuckets(ix)
	every := append(slices.Clone(awslimits.S3ObjectReadActions), awslimits.S3ObjectWriteActions...)
	for _, b := range buckets {
		readers, writers := ix.BucketUsers(b)
		users := slices.Clone(readers)
		for _, w := range writers {
			if !slices.Contains(users, w) {
				users = append(users, w)
			}
		}
		denies := ix.ObjectDenies(b)
		for _, d := range denies {
			for _, id := range d.OutsideEndpoints {
				if ix.S3GatewayEndpointOf(id) == nil {
					fs = append(fs, finding(b, "policy statement %s admits requests through %s, which is not the stack's S3 gateway endpoint", d.Statement.Sid, id))
				}
			}
		}
		for _, u := range users {
			if !slices.ContainsFunc(denies, func(d query.ObjectDeny) bool { return confinesToEndpoint(ix, d, u, every) }) {
				fs = append(fs, finding(b, "%s may use it from outside the stack's S3 gateway endpoint; deny it s3:* unless aws:SourceVpce is the endpoint's id", u.Label()))
			}
		}
	}
	return len(buckets), fs
}

// confinesToEndpoint reports whether a Deny refuses a principal every given action unless the
// request comes through one of the stack's S3 gateway endpoints.
func confinesToEndpoint(ix *query.Index, d query.ObjectDeny, who query.Principal, actions []string) bool {
	resolves := func(arns []string) bool {
		return slices.ContainsFunc(arns, func(arn string) bool { return ix.PrincipalOf(arn) == who })
	}
	applies := (d.AnyPrincipal && d.OnlyArns == nil) || resolves(d.OnlyArns)
	if !applies || len(d.OutsideEndpoints) == 0 || len(d.Other) > 0 || len(d.SparedAccounts) > 0 || resolves(d.SparedArns) {
		return false
	}
	for _, id := range d.OutsideEndpoints {
		if ix.S3GatewayEndpointOf(id) == nil {
			return false
		}
	}
	for _, a := range actions {
		if !d.Covers(a) {
			return false
		}
	}
	return true
}

func checkVersionsKept(ix *query.Index) (int, []Finding) {
	var fs []Finding
	buckets := ix.OfType(contract.TypeBucket)
	for _, b := range buckets {
		denies := ix.ObjectDenies(b)
		var missing []string
		for _, a := range awslimits.S3VersionDestroyActions {
			if !slices.ContainsFunc(denies, func(d query.ObjectDeny) bool { return d.Unconditional() && d.Covers(a) }) {
				missing = append(missing, a)
			}
		}
		if len(missing) > 0 {
			fs = append(fs, finding(b, "its policy does not deny %s to every principal without condition", strings.Join(missing, ", ")))
		}
		for _, doc := range ix.BucketPolicies(b) {
			for _, st := range doc.Statement {
				if st.Effect != policydoc.Allow {
					continue
				}
				for _, a := range awslimits.S3VersionDestroyActions {
					if st.Covers(a) {
						fs = append(fs, finding(b, "policy statement %s allows %s to %v", st.Sid, a, st.Principals()))
					}
				}
			}
		}
	}
	return len(buckets), fs
}

func checkObjectLock(ix *query.Index) (int, []Finding) {
	var fs []Finding
	buckets := dataBuckets(ix)
	for _, b := range buckets {
		if !b.Protect {
			continue
		}
		lock := ix.ObjectLockOf(b)
		switch {
		case lock.Config == nil:
			fs = append(fs, finding(b, "is kept (protect) but has no Object Lock; add an Object Lock configuration in GOVERNANCE mode with a default retention"))
		case !lock.Enabled:
			fs = append(fs, finding(b, "its Object Lock configuration %s does not enable Object Lock", query.Name(lock.Config)))
		case lock.Mode != "GOVERNANCE" && lock.Mode != "COMPLIANCE":
			fs = append(fs, finding(b, "its Object Lock has no default retention mode (%s); set GOVERNANCE", orNone(lock.Mode)))
		case lock.Days <= 0 && lock.Years <= 0:
			fs = append(fs, finding(b, "its Object Lock has no default retention period"))
		}
	}
	return len(buckets), fs
}

func checkLogBucketWrites(ix *query.Index) (int, []Finding) {
	var fs []Finding
	checked := 0
	account := ix.Identity().Account
	for _, b := range ix.OfType(contract.TypeBucket) {
		if query.Purpose(b) != contract.AccessLogsPurpose {
			continue
		}
		checked++
		var services, accounts []string
		for _, a := range ix.BucketPrincipals(b) {
			switch {
			case a.Who.Kind == query.AWSServicePrincipal:
				services = append(services, a.Who.Name)
			case a.Who.Kind == query.AccountPrincipal && a.Who.Name != account:
				accounts = append(accounts, a.Who.Name)
			}
		}
		denies := ix.ObjectDenies(b)
		var missing []string
		for _, a := range awslimits.S3ObjectWriteActions {
			if !slices.ContainsFunc(denies, func(d query.ObjectDeny) bool {
				within := func(got, allowed []string) bool {
					return !slices.ContainsFunc(got, func(g string) bool { return !slices.Contains(allowed, g) })
				}
				return d.Covers(a) && d.AppliesToAll() && len(d.SparedArns) == 0 && within(d.SparedServices, services) && within(d.SparedAccounts, accounts)
			}) {
				missing = append(missing, a)
			}
		}
		if len(missing) > 0 {
			fs = append(fs, finding(b, "its policy does not deny %s to every principal but log delivery (%s); deny them with StringNotEquals aws:PrincipalServiceName (and aws:PrincipalAccount for the regional Elastic Load Balancing account)",
				strings.Join(missing, ", "), strings.Join(append(services, accounts...), ", ")))
		}
	}
	return checked, fs
}
