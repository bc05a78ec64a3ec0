package query

import (
	"fmt"
	"slices"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

// Within one AWS account an Allow in either the IAM policy or the resource policy is enough
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html), so
// what a secret's resource policy allows restricts no one; only what it denies does. SecretGuard
// reads the denials.

// secretValueAction is the action that returns a secret's value.
const secretValueAction = "secretsmanager:GetSecretValue"

// SecretChangeActions are the actions that change a secret: its value and version stages, its
// metadata and tags, its resource policy, its rotation and replication, its deletion
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html).
var SecretChangeActions = []string{
	"secretsmanager:PutSecretValue", "secretsmanager:UpdateSecret", "secretsmanager:UpdateSecretVersionStage",
	"secretsmanager:PutResourcePolicy", "secretsmanager:DeleteResourcePolicy", "secretsmanager:DeleteSecret",
	"secretsmanager:RestoreSecret", "secretsmanager:RotateSecret", "secretsmanager:CancelRotateSecret",
	"secretsmanager:TagResource", "secretsmanager:UntagResource", "secretsmanager:ReplicateSecretToRegions",
	"secretsmanager:RemoveRegionsFromReplication", "secretsmanager:StopReplicationToReplica",
}

// SecretGuard is what a secret's resource policy denies, whatever IAM policies allow.
type SecretGuard struct {
	Policy *Resource // the secret's resource policy; nil when it has none
	// ValueDenied: the policy denies the value to every principal but ValueExempt (by
	// aws:PrincipalArn) and, when ValueTags is set, to every principal that lacks one of those
	// principal tags.
	ValueDenied bool
	ValueExempt []string
	ValueTags   map[string]string
	// ChangesDenied: the policy denies every change (SecretChangeActions) to every principal
	// but ChangeExempt.
	ChangesDenied bool
	ChangeExempt  []string
}

// SecretGuardOf reads the denials of the resource policy attached to a secret, by the secret's
// ARN (its id for a secret the stack creates; what RDS reports for a master secret it manages).
// A Deny counts only when it applies to every principal ("*") and every resource of the secret,
// and its only conditions exempt principals by ARN (aws:PrincipalArn), by principal tag
// (aws:PrincipalTag/<key>) or AWS services acting for themselves (aws:PrincipalIsAWSService):
// any other condition (a source VPC, a time, a request tag) would let some principals through.
func (ix *Index) SecretGuardOf(secretRefs ...string) SecretGuard {
	var g SecretGuard
	for _, ref := range secretRefs {
		if ps := ix.Where(contract.TypeSecretPolicy, "secretArn", ref); len(ps) > 0 && g.Policy == nil {
			g.Policy = ps[0]
		}
	}
	if g.Policy == nil {
		return g
	}
	doc := ix.PolicyOf(g.Policy)
	if doc == nil {
		return g
	}
	for _, st := range doc.Statement {
		exempt, tags, ok := denyExemptions(st)
		if !ok {
			continue
		}
		if st.Covers(secretValueAction) {
			g.ValueDenied = true
			g.ValueExempt = append(g.ValueExempt, exempt...)
			if len(tags) > 0 {
				if g.ValueTags == nil {
					g.ValueTags = map[string]string{}
				}
				for k, v := range tags {
					g.ValueTags[k] = v
				}
			}
		}
		if !slices.ContainsFunc(SecretChangeActions, func(a string) bool { return !st.Covers(a) }) {
			g.ChangesDenied = true
			g.ChangeExempt = append(g.ChangeExempt, exempt...)
		}
	}
	g.ValueExempt = slices.Compact(slices.Sorted(slices.Values(g.ValueExempt)))
	g.ChangeExempt = slices.Compact(slices.Sorted(slices.Values(g.ChangeExempt)))
	return g
}

// denyExemptions reads a Deny statement that applies to every principal and every resource:
// the principal ARNs and principal tags it exempts. False when the statement is not such a Deny,
// or carries a condition that exempts anything else.
func denyExemptions(st policydoc.Statement) (arns []string, tags map[string]string, ok bool) {
	ps := st.Principals()
	everyone := len(ps["*"]) > 0 || slices.Contains(ps["AWS"], "*")
	if st.Effect != policydoc.Deny || !everyone || st.NotPrincipal != nil || len(st.NotResource) > 0 || !slices.Contains(st.Resource, "*") {
		return nil, nil, false
	}
	for op, kv := range st.Condition {
		for key, v := range kv {
			switch {
			case key == "aws:PrincipalArn" && (op == "ArnNotEquals" || op == "ArnNotLike" || op == "StringNotEquals" || op == "StringNotLike"):
				arns = append(arns, policydoc.StringList(v)...)
			case strings.HasPrefix(key, "aws:PrincipalTag/") && op == "StringNotEquals":
				if tags == nil {
					tags = map[string]string{}
				}
				if vs := policydoc.StringList(v); len(vs) == 1 {
					tags[strings.TrimPrefix(key, "aws:PrincipalTag/")] = vs[0]
				} else {
					return nil, nil, false
				}
			case key == "aws:PrincipalIsAWSService" && (op == "Bool" || op == "BoolIfExists") && fmt.Sprint(v) == "false":
				// AWS services acting with their own service principal are spared.
			default:
				return nil, nil, false
			}
		}
	}
	return arns, tags, true
}
