package report_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/fixtures"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/query"
	"github.com/secure-vpc/secure-vpc/report"
)

// edit changes the resource of a type and logical name in a plan.
func edit(t *testing.T, e *stackstate.Export, typ, name string, change func(r *stackstate.Resource)) {
	t.Helper()
	for i := range e.Deployment.Resources {
		if r := &e.Deployment.Resources[i]; r.Type == typ && query.Name(r) == name {
			change(r)
			return
		}
	}
	t.Fatalf("no %s %s", typ, name)
}

func addStatement(t *testing.T, r *stackstate.Resource, st map[string]any) {
	t.Helper()
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.Inputs["policy"].(string)), &doc))
	doc["Statement"] = append(doc["Statement"].([]any), st)
	data, err := json.Marshal(doc)
	require.NoError(t, err)
	r.Inputs["policy"] = string(data)
}

func changes(d *report.Diff) []string {
	var out []string
	for _, c := range d.Changes {
		out = append(out, c.Sign+" "+c.Text)
	}
	return out
}

func TestDiffOfTheSamePlanIsEmpty(t *testing.T) {
	d := report.Compare("a", fixtures.Plan(t, "dev"), "b", fixtures.Plan(t, "dev"))
	assert.Empty(t, d.Changes)
	assert.False(t, d.Widens())
	var text bytes.Buffer
	require.NoError(t, d.Write(&text, report.FormatText))
	assert.Contains(t, text.String(), "no change in services")
}

// The diff judges which key protects a store by its kind: a key the stack does not hold, an AWS
// managed key, SSE-S3 or no key at all are each weaker than a customer-managed key of the stack,
// and a change back is not.
func TestDiffJudgesKeyProtection(t *testing.T) {
	weaker := fixtures.Plan(t, "dev")
	edit(t, weaker, contract.TypeBucketSSE, "user-uploads", func(r *stackstate.Resource) {
		r.Inputs["rules"] = []any{map[string]any{"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "AES256"}}}
	})
	edit(t, weaker, contract.TypeCache, "sessions", func(r *stackstate.Resource) {
		r.Inputs["kmsKeyId"] = "arn:aws:kms:eu-west-1:999999999999:key/other"
	})
	edit(t, weaker, contract.TypeSecret, "app-payments-api-key", func(r *stackstate.Resource) {
		r.Inputs["kmsKeyId"] = "alias/aws/secretsmanager"
	})
	edit(t, weaker, contract.TypeSecret, "tls-users", func(r *stackstate.Resource) {
		delete(r.Inputs, "kmsKeyId")
		delete(r.Outputs, "kmsKeyId")
	})

	d := report.Compare("dev", fixtures.Plan(t, "dev"), "weaker", weaker)
	assert.Equal(t, []string{
		"~ bucket user-uploads: encryption changes from alias/secure-vpc/dev/data to SSE-S3 (the documented access-log exception)",
		"~ cache sessions: encryption changes from alias/secure-vpc/dev/data to arn:aws:kms:eu-west-1:999999999999:key/other (not a key of this stack)",
		"~ secret secure-vpc/dev/app/payments-api-key: encryption changes from alias/secure-vpc/dev/secrets to alias/aws/secretsmanager (not a key of this stack)",
		"~ secret secure-vpc/dev/tls/users: encryption changes from alias/secure-vpc/dev/secrets to none",
	}, changes(d))
	for _, c := range d.Changes {
		assert.True(t, c.Widens, c.Text)
	}

	back := report.Compare("weaker", weaker, "dev", fixtures.Plan(t, "dev"))
	assert.Len(t, back.Changes, 4)
	assert.False(t, back.Widens(), "a customer-managed key is never weaker")
}

// New principals on a bucket or a secret widen access; each is named as the report names it.
func TestDiffOfPrincipals(t *testing.T) {
	wider := fixtures.Plan(t, "dev")
	edit(t, wider, contract.TypeBucketPolicy, "user-uploads", func(r *stackstate.Resource) {
		addStatement(t, r, map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": []any{"arn:aws:iam::123456789012:root", "arn:aws:iam::111111111111:role/outsider"}},
			"Action": []any{"s3:GetObject"}, "Resource": []any{"*"}})
	})
	edit(t, wider, contract.TypeSecretPolicy, "tls-orders", func(r *stackstate.Resource) {
		addStatement(t, r, map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::222222222222:root"},
			"Action": "secretsmanager:GetSecretValue", "Resource": "*"})
	})
	d := report.Compare("dev", fixtures.Plan(t, "dev"), "wider", wider)
	assert.Equal(t, []string{
		"+ user-uploads: account 123456789012 (delivers logs)",
		// What a statement grants after an account's root is not told apart.
		"+ user-uploads: arn:aws:iam::111111111111:role/outsider",
		"+ account 222222222222 (any principal its IAM policies allow) can now read secure-vpc/dev/tls/orders",
	}, changes(d))
	assert.True(t, d.Widens())

	// A bare account id is a whole account on a bucket as on a secret (IsAccountRoot): it is
	// labelled as the account, not as an ARN that writes.
	bare := fixtures.Plan(t, "dev")
	edit(t, bare, contract.TypeBucketPolicy, "user-uploads", func(r *stackstate.Resource) {
		addStatement(t, r, map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": "111122223333"},
			"Action": []any{"s3:PutObject"}, "Resource": []any{"*"}})
	})
	assert.Equal(t, []string{"+ user-uploads: account 111122223333 (delivers logs)"}, changes(report.Compare("dev", fixtures.Plan(t, "dev"), "bare", bare)))

	var md bytes.Buffer
	require.NoError(t, d.Write(&md, report.FormatMarkdown))
	assert.True(t, strings.HasPrefix(md.String(), "## secure-vpc diff: `dev` → `wider`"))
	assert.Contains(t, md.String(), "### Bucket access")
}

// A service added to the plan is reported, and its paths widen access.
func TestDiffOfServices(t *testing.T) {
	fewer := fixtures.Plan(t, "dev")
	edit(t, fewer, contract.TypeECSService, "orders", func(r *stackstate.Resource) { r.Type = "aws:removed/service:Service" })
	d := report.Compare("fewer", fewer, "dev", fixtures.Plan(t, "dev"))
	assert.Contains(t, changes(d), "+ service orders is added")
	assert.Contains(t, changes(d), "+ web-bff -> orders tcp 8443 becomes reachable")
	assert.True(t, d.Widens())
}

// A diff of two different stacks says so first; the same stack says nothing of the kind.
func TestDiffSaysWhenTheSidesAreDifferentStacks(t *testing.T) {
	d := report.Compare("dev.json", fixtures.Plan(t, "dev"), "prod.json", fixtures.Plan(t, "prod"))
	assert.Equal(t, []string{"the two sides are different stacks: dev and prod"}, d.Mismatches)
	var text, md bytes.Buffer
	require.NoError(t, d.Write(&text, report.FormatText))
	require.NoError(t, d.Write(&md, report.FormatMarkdown))
	assert.Equal(t, "warning: the two sides are different stacks: dev and prod: this compares two stacks, not a change to one",
		strings.Split(text.String(), "\n")[2], "right after the header, before any change")
	assert.Contains(t, md.String(), "**the two sides are different stacks: dev and prod**")

	other := fixtures.Plan(t, "dev")
	for i, r := range other.Deployment.Resources {
		if arn, ok := r.Outputs["arn"].(string); ok {
			other.Deployment.Resources[i].Outputs["arn"] = strings.ReplaceAll(strings.ReplaceAll(arn, ":eu-west-1:", ":us-east-2:"), ":123456789012:", ":210987654321:")
		}
	}
	d = report.Compare("a", fixtures.Plan(t, "dev"), "b", other)
	assert.Equal(t, []string{"the two sides are different AWS regions: eu-west-1 and us-east-2", "the two sides are different AWS accounts: 123456789012 and 210987654321"}, d.Mismatches)
	assert.Empty(t, report.Compare("a", fixtures.Plan(t, "dev"), "b", fixtures.Plan(t, "dev")).Mismatches)
}
