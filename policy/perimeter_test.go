package policy_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
)

func init() {
	// An endpoint statement without its principal condition, or an endpoint without a policy, is
	// also not account-scoped.
	alsoFails["whose caller is this account's"] = []string{"NET-07"}
	alsoFails["the default one"] = []string{"NET-07"}
	// NET-07's own fixture: an endpoint policy that binds no principal binds no resource either.
	alsoFails["aws:PrincipalAccount"] = []string{"PERIM-01"}
	alsoFails["admits principals of any account"] = []string{"NET-07"}
}

// endpointOf is dev's VPC endpoint of a service ("s3", "ecr.api", ...).
func endpointOf(e *stackstate.Export, service string) *stackstate.Resource {
	return find(e, func(r *stackstate.Resource) bool {
		return r.Type == contract.TypeVpcEndpoint && strings.HasSuffix(r.Inputs["serviceName"].(string), "."+service)
	})
}

// logsKey is dev's KMS key whose policy admits CloudWatch Logs.
func logsKey(e *stackstate.Export) *stackstate.Resource {
	return find(e, func(r *stackstate.Resource) bool {
		return r.Type == contract.TypeKMSKey && strings.Contains(r.Inputs["policy"].(string), "logs.eu-west-1.amazonaws.com")
	})
}

// editRawPolicy decodes a resource's policy input, lets edit change its statements and writes it
// back (inputs and outputs alike, as a real export holds both).
func editRawPolicy(t *testing.T, r *stackstate.Resource, edit func(statements []map[string]any) []map[string]any) {
	t.Helper()
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.Inputs["policy"].(string)), &doc))
	var statements []map[string]any
	for _, s := range doc["Statement"].([]any) {
		statements = append(statements, s.(map[string]any))
	}
	doc["Statement"] = edit(statements)
	text, err := json.Marshal(doc)
	require.NoError(t, err)
	r.Inputs["policy"] = string(text)
	if r.Outputs != nil {
		r.Outputs["policy"] = string(text)
	}
}

// bySid is the statement with the given Sid.
func bySid(t *testing.T, statements []map[string]any, sid string) map[string]any {
	t.Helper()
	for _, s := range statements {
		if s["Sid"] == sid {
			return s
		}
	}
	require.Failf(t, "no statement", "%s", sid)
	return nil
}

func perimeterCases() []brokenPlan {
	dropCondition := func(service, sid, key string) func(t *testing.T, e *stackstate.Export) string {
		return func(t *testing.T, e *stackstate.Export) string {
			ep := endpointOf(e, service)
			editRawPolicy(t, ep, func(st []map[string]any) []map[string]any {
				delete(bySid(t, st, sid)["Condition"].(map[string]any)["StringEquals"].(map[string]any), key)
				return st
			})
			return ep.URN
		}
	}
	setLayerBucket := func(resource string) func(t *testing.T, e *stackstate.Export) string {
		return func(t *testing.T, e *stackstate.Export) string {
			ep := endpointOf(e, contract.S3GatewayEndpoint)
			editRawPolicy(t, ep, func(st []map[string]any) []map[string]any {
				bySid(t, st, "EcrImageLayersInTheRegionsAwsOwnedBucket")["Resource"] = []any{resource}
				return st
			})
			return ep.URN
		}
	}
	setLogGroups := func(patterns ...any) func(t *testing.T, e *stackstate.Export) string {
		return func(t *testing.T, e *stackstate.Export) string {
			key := logsKey(e)
			editRawPolicy(t, key, func(st []map[string]any) []map[string]any {
				bySid(t, st, "CloudWatchLogsEncryptsTheStacksLogGroups")["Condition"] = map[string]any{"ArnLike": map[string]any{"kms:EncryptionContext:aws:logs:arn": patterns}}
				return st
			})
			return key.URN
		}
	}
	return []brokenPlan{
		// The identity perimeter alone: this account's credentials reach any account's resources.
		{"PERIM-01", dropCondition("sts", "ThisAccountsPrincipalsToThisAccountsResources", "aws:ResourceAccount"), "no aws:ResourceAccount 123456789012"},
		{"PERIM-01", func(t *testing.T, e *stackstate.Export) string {
			ep := endpointOf(e, "secretsmanager")
			editRawPolicy(t, ep, func(st []map[string]any) []map[string]any {
				st[0]["Condition"].(map[string]any)["StringEquals"].(map[string]any)["aws:ResourceAccount"] = "210987654321"
				return st
			})
			return ep.URN
		}, "reach any account's resources"},
		// An exception that exists, on the endpoint it is not for.
		{"PERIM-01", func(t *testing.T, e *stackstate.Export) string {
			ep := endpointOf(e, "logs")
			editRawPolicy(t, ep, func(st []map[string]any) []map[string]any {
				return append(st, map[string]any{"Sid": "Layers", "Effect": "Allow", "Principal": "*", "Action": []any{"s3:GetObject"}, "Resource": []any{"arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*"},
					"Condition": map[string]any{"StringEquals": map[string]any{"aws:PrincipalAccount": "123456789012"}}})
			})
			return ep.URN
		}, "no documented AWS-owned exception allows s3:GetObject"},
		{"PERIM-01", dropCondition("kms", "ThisAccountsPrincipalsToThisAccountsResources", "aws:PrincipalAccount"), "admits principals of any account"},
		{"PERIM-01", dropCondition("ecr.api", "EcrAuthorizationTokenHasNoResource", "aws:PrincipalAccount"), "whose caller is this account's"},
		{"PERIM-01", func(t *testing.T, e *stackstate.Export) string {
			ep := endpointOf(e, "kms")
			delete(ep.Inputs, "policy")
			delete(ep.Outputs, "policy")
			return ep.URN
		}, "the default one"},
		// Anyone can create a bucket that matches a wildcard, or one of another region's name.
		{"PERIM-02", setLayerBucket("arn:aws:s3:::prod-*-starport-layer-bucket/*"), "admits arn:aws:s3:::prod-*-starport-layer-bucket/*"},
		{"PERIM-02", setLayerBucket("arn:aws:s3:::prod-eu-west-1-starport-layer-bucket*"), "for arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/* only"},
		// The logs key serves any log group of the account, or of another stack.
		{"PERIM-03", func(t *testing.T, e *stackstate.Export) string {
			key := logsKey(e)
			editRawPolicy(t, key, func(st []map[string]any) []map[string]any {
				delete(bySid(t, st, "CloudWatchLogsEncryptsTheStacksLogGroups"), "Condition")
				return st
			})
			return key.URN
		}, "for any log group"},
		{"PERIM-03", setLogGroups("arn:aws:logs:eu-west-1:123456789012:log-group:*"), "log-group:*, which is not a log group of the stack"},
		{"PERIM-03", setLogGroups("arn:aws:logs:eu-west-1:123456789012:log-group:/secure-vpc/*"), "/secure-vpc/*, which is not a log group of the stack"},
		// A log group of the stack the key no longer serves: creating it would fail.
		{"PERIM-03", func(t *testing.T, e *stackstate.Export) string {
			setLogGroups("arn:aws:logs:eu-west-1:123456789012:log-group:/secure-vpc/dev/*")(t, e)
			return find(e, func(r *stackstate.Resource) bool {
				return r.Type == contract.TypeLogGroup && strings.HasPrefix(r.Inputs["name"].(string), "aws-waf-logs-")
			}).URN
		}, "creating the group would fail"},
	}
}

func TestPerimeterInvariantsCatchBrokenPlans(t *testing.T) {
	for _, tc := range perimeterCases() {
		t.Run(tc.invariant+" "+tc.wantMsg, func(t *testing.T) { checkBrokenPlan(t, tc) })
	}
}
