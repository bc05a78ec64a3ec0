package query

import (
	"regexp"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
	"github.com/secure-vpc/secure-vpc/internal/stack"
)

// EndpointGrant is one Allow statement of a VPC endpoint policy as the data perimeter reads it:
// what it allows, and the accounts its StringEquals conditions bind the principal and the
// resource to (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
type EndpointGrant struct {
	Sid                string
	Actions, Resources []string
	PrincipalAccounts  []string // aws:PrincipalAccount values; empty when the principal is not bound
	PrincipalOrgIDs    []string // aws:PrincipalOrgID values
	ResourceAccounts   []string // aws:ResourceAccount values; empty when the resource is not bound
}

// BindsPrincipal reports whether the grant admits only principals of named accounts or
// organizations.
func (g EndpointGrant) BindsPrincipal() bool {
	return len(g.PrincipalAccounts) > 0 || len(g.PrincipalOrgIDs) > 0
}

// BindsPrincipalTo reports whether the grant admits only principals of the given account.
func (g EndpointGrant) BindsPrincipalTo(account string) bool {
	return only(g.PrincipalAccounts, account)
}

// BindsResourceTo reports whether the grant reaches only resources of the given account.
func (g EndpointGrant) BindsResourceTo(account string) bool { return only(g.ResourceAccounts, account) }

// Broad reports whether the grant allows every action of a service ("*", "s3:*") or every
// resource ("*").
func (g EndpointGrant) Broad() bool {
	for _, r := range g.Resources {
		if r == "*" {
			return true
		}
	}
	for _, a := range g.Actions {
		if a == "*" || strings.HasSuffix(a, ":*") {
			return true
		}
	}
	return false
}

func only(values []string, want string) bool {
	for _, v := range values {
		if v != want {
			return false
		}
	}
	return len(values) > 0 && want != ""
}

// EndpointGrants reads the Allow statements of a VPC endpoint's policy. ok is false when the
// endpoint has no policy or it does not parse: AWS then applies the default endpoint policy,
// which allows every principal every action on every resource.
func (ix *Index) EndpointGrants(ep *Resource) (grants []EndpointGrant, ok bool) {
	doc := ix.PolicyOf(ep)
	if doc == nil {
		return nil, false
	}
	for _, st := range doc.Statement {
		if st.Effect != policydoc.Allow {
			continue
		}
		eq := st.Condition["StringEquals"]
		grants = append(grants, EndpointGrant{
			Sid: st.Sid, Actions: st.Action, Resources: st.Resource,
			PrincipalAccounts: conditionValues(eq, "aws:PrincipalAccount"),
			PrincipalOrgIDs:   conditionValues(eq, "aws:PrincipalOrgID"),
			ResourceAccounts:  conditionValues(eq, "aws:ResourceAccount"),
		})
	}
	return grants, true
}

// EndpointRegion is the region of a VPC endpoint, from its service name
// com.amazonaws.<region>.<service> ("" when it has another form).
func EndpointRegion(ep *Resource) string {
	rest, ok := strings.CutPrefix(Str(ep, "serviceName"), "com.amazonaws.")
	if !ok {
		return ""
	}
	region, _, _ := strings.Cut(rest, ".")
	return region
}

// conditionValues are the values of a condition key under one operator; condition keys are
// case-insensitive.
func conditionValues(op map[string]any, key string) []string {
	for k, v := range op {
		if strings.EqualFold(k, key) {
			return policydoc.StringList(v)
		}
	}
	return nil
}

// LogsKeyGrant is a statement of a KMS key policy that lets the CloudWatch Logs service principal
// use the key, with the log-group ARNs (or ARN patterns) its encryption-context condition admits.
type LogsKeyGrant struct {
	Key       *Resource
	Sid       string
	LogGroups []string // values of awslimits.LogsEncryptionContext under ArnLike, ArnEquals, StringLike or StringEquals; empty when unbound
}

// Admits reports whether the grant lets CloudWatch Logs use the key for the log group with the
// given ARN: every group when it is unbound, else those its patterns match (a "*" stands for any
// characters, as in ArnLike).
func (g LogsKeyGrant) Admits(groupArn string) bool {
	if len(g.LogGroups) == 0 {
		return true
	}
	for _, p := range g.LogGroups {
		if globMatch(p, groupArn) {
			return true
		}
	}
	return false
}

// LogsKeyGrants lists every statement of the stack's KMS key policies that lets CloudWatch Logs
// (logs.<region>.amazonaws.com) use the key, key by key in export order.
func (ix *Index) LogsKeyGrants() []LogsKeyGrant {
	var out []LogsKeyGrant
	for _, key := range ix.OfType(contract.TypeKMSKey) {
		doc := ix.PolicyOf(key)
		if doc == nil {
			continue
		}
		for _, st := range doc.Statement {
			if st.Effect != policydoc.Allow || !isLogsService(st.Principals()["Service"]) {
				continue
			}
			g := LogsKeyGrant{Key: key, Sid: st.Sid}
			for _, op := range []string{"ArnLike", "ArnEquals", "StringLike", "StringEquals"} {
				g.LogGroups = append(g.LogGroups, conditionValues(st.Condition[op], awslimits.LogsEncryptionContext)...)
			}
			out = append(out, g)
		}
	}
	return out
}

func isLogsService(services []string) bool {
	for _, s := range services {
		if strings.HasPrefix(s, "logs.") && strings.HasSuffix(s, ".amazonaws.com") {
			return true
		}
	}
	return false
}

// StackLogGroupArns are the ARN patterns of every log group the stack may create
// (stack.Scope.LogGroupPatterns, with the identifiers of the plan's RDS instances), in the region
// and account the export is of.
func (ix *Index) StackLogGroupArns() []string {
	id := ix.Identity()
	scope := stack.Scope{Project: id.Project, Stack: id.Stack, Region: id.Region, AccountID: id.Account}
	var instances []string
	for _, db := range ix.OfType(contract.TypeDBInstance) {
		if name := Str(db, "identifier"); name != "" {
			instances = append(instances, name)
		}
	}
	var out []string
	for _, p := range scope.LogGroupPatterns(instances...) {
		out = append(out, scope.LogGroupArn(p))
	}
	return out
}

// LogGroupArn is the ARN of a log group of the export: its own, or the one its name gives in the
// export's region and account.
func (ix *Index) LogGroupArn(group *Resource) string {
	if arn := Str(group, "arn"); arn != "" {
		return arn
	}
	id := ix.Identity()
	return stack.Scope{Region: id.Region, AccountID: id.Account}.LogGroupArn(Str(group, "name"))
}

// globMatch matches a value against a policy pattern in which "*" is any run of characters and
// "?" any one character (the ArnLike and StringLike operators).
func globMatch(pattern, value string) bool {
	re := "^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(pattern)) + "$"
	ok, _ := regexp.MatchString(re, value)
	return ok
}
