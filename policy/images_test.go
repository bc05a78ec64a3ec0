package policy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/fixtures"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
)

type imageCase struct {
	name, invariant, stack string
	breakPlan              func(t *testing.T, e *stackstate.Export) (culprit string)
	want                   string
}

func imageCases() []imageCase {
	repo := func(e *stackstate.Export, svc string) *stackstate.Resource {
		return find(e, named(contract.TypeECRRepository, svc))
	}
	taskOf := func(e *stackstate.Export, svc string) *stackstate.Resource {
		return find(e, named(contract.TypeTaskDefinition, svc))
	}
	repoPolicy := func(e *stackstate.Export, svc string) *stackstate.Resource {
		return find(e, named(contract.TypeECRRepositoryPolicy, svc))
	}
	deniesPull := func(st policydoc.Statement) bool { return isDeny(st) && st.Covers("ecr:BatchGetImage") }
	const digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	return []imageCase{
		{"a public image by tag", "IMG-01", "dev", func(t *testing.T, e *stackstate.Export) string {
			td := taskOf(e, "orders")
			fixtures.SetImage(t, td, "docker.io/library/nginx:1.27")
			return td.URN
		}, "by tag from docker.io, a registry the stack does not hold"},
		{"an image the audit cannot place", "IMG-01", "dev", func(t *testing.T, e *stackstate.Export) string {
			td := taskOf(e, "orders")
			fixtures.SetImage(t, td, "")
			return td.URN
		}, "whose source cannot be placed"},
		{"unreadable container definitions", "IMG-01", "dev", func(t *testing.T, e *stackstate.Export) string {
			td := taskOf(e, "orders")
			setInput(td, "containerDefinitions", "not json")
			return td.URN
		}, "where its image comes from is unknown"},
		{"a tag in a mutable repository of the stack", "IMG-01", "dev", func(t *testing.T, e *stackstate.Export) string {
			setInput(repo(e, "orders"), "imageTagMutability", "MUTABLE")
			return taskOf(e, "orders").URN
		}, "whose tags are mutable"},
		{"a repository that scans nothing", "IMG-01", "dev", func(t *testing.T, e *stackstate.Export) string {
			setInput(repo(e, "orders"), "imageScanningConfiguration", map[string]any{"scanOnPush": false})
			return taskOf(e, "orders").URN
		}, "which scans nothing"},
		{"a repository encrypted with AES256", "IMG-02", "dev", func(t *testing.T, e *stackstate.Export) string {
			r := repo(e, "orders")
			setInput(r, "encryptionConfigurations", []any{map[string]any{"encryptionType": "AES256"}})
			return r.URN
		}, "not a customer-managed KMS key"},
		{"a repository encrypted with a key outside the stack", "IMG-02", "dev", func(t *testing.T, e *stackstate.Export) string {
			r := repo(e, "orders")
			setInput(r, "encryptionConfigurations", []any{map[string]any{"encryptionType": "KMS", "kmsKey": "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"}})
			return r.URN
		}, "not a customer-managed key of the stack"},
		{"mutable tags", "IMG-02", "dev", func(t *testing.T, e *stackstate.Export) string {
			r := repo(e, "users")
			setInput(r, "imageTagMutability", "MUTABLE")
			return r.URN
		}, "has mutable tags"},
		{"no untagged expiry", "IMG-02", "dev", func(t *testing.T, e *stackstate.Export) string {
			lc := find(e, named(contract.TypeECRLifecyclePolicy, "users"))
			setInput(lc, "policy", `{"rules":[]}`)
			return repo(e, "users").URN
		}, "no lifecycle policy that expires untagged images"},
		{"an unprotected repository in prod", "IMG-02", "prod", func(t *testing.T, e *stackstate.Export) string {
			r := repo(e, "users")
			r.Protect = false
			return r.URN
		}, "not protected"},
		{"force delete in prod", "IMG-02", "prod", func(t *testing.T, e *stackstate.Export) string {
			r := repo(e, "users")
			setInput(r, "forceDelete", true)
			return r.URN
		}, "forceDelete"},
		{"an Allow alone restricts no one", "IMG-03", "dev", func(t *testing.T, e *stackstate.Export) string {
			p := repoPolicy(e, "orders")
			editPolicy(t, p, dropStatements(deniesPull))
			return p.URN
		}, "does not deny pulling"},
		{"no repository policy", "IMG-03", "dev", func(t *testing.T, e *stackstate.Export) string {
			p := repoPolicy(e, "orders")
			setInput(p, "repository", "elsewhere")
			return repo(e, "orders").URN
		}, "has no repository policy"},
		{"a wildcard exemption", "IMG-03", "dev", func(t *testing.T, e *stackstate.Export) string {
			p := repoPolicy(e, "orders")
			editPolicy(t, p, func(doc *policydoc.Document) {
				for i, st := range doc.Statement {
					if deniesPull(st) {
						doc.Statement[i].Condition["ArnNotEquals"]["aws:PrincipalArn"] = []string{"arn:aws:iam::123456789012:role/*"}
					}
				}
			})
			return p.URN
		}, "exempts arn:aws:iam::123456789012:role/* from its pull denial"},
		{"a task role may pull", "IMG-03", "dev", func(t *testing.T, e *stackstate.Export) string {
			p := repoPolicy(e, "orders")
			taskRole := find(e, named(contract.TypeIAMRole, "orders-task-role")).Outputs["arn"].(string)
			editPolicy(t, p, func(doc *policydoc.Document) {
				for i, st := range doc.Statement {
					if st.Effect == policydoc.Allow {
						doc.Statement[i].Principal = policydoc.AWSPrincipal(taskRole)
					}
					if deniesPull(st) {
						doc.Statement[i].Condition["ArnNotEquals"]["aws:PrincipalArn"] = []string{taskRole}
					}
				}
			})
			return p.URN
		}, "which is not an execution role of the stack"},
		{"the account may pull", "IMG-03", "dev", func(t *testing.T, e *stackstate.Export) string {
			p := repoPolicy(e, "orders")
			editPolicy(t, p, func(doc *policydoc.Document) {
				doc.Statement[0].Principal = policydoc.AWSPrincipal("arn:aws:iam::123456789012:root")
			})
			return p.URN
		}, "not named roles"},
		{"a digest passes where a tag fails", "IMG-01", "prod", func(t *testing.T, e *stackstate.Export) string {
			td := taskOf(e, "orders")
			fixtures.SetImage(t, td, "ghcr.io/example/orders:3.2.0")
			fixtures.SetImage(t, taskOf(e, "users"), "ghcr.io/example/users@"+digest)
			return td.URN
		}, "by tag from ghcr.io"},
	}
}

// Each case breaks one image guard; the invariant names the resource at fault, and says nothing
// about it in the unbroken plan of the same stack.
func TestImageInvariantsCatchBrokenPlans(t *testing.T) { runImageCases(t, imageCases()) }

// runImageCases breaks a plan per case and checks that only the broken plan names the culprit.
func runImageCases(t *testing.T, cases []imageCase) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clean, e := fixtures.Plan(t, tc.stack), fixtures.Plan(t, tc.stack)
			assertNamedOnlyWhenBroken(t, clean, e, tc.invariant, tc.breakPlan(t, e), tc.want)
		})
	}
}

// A digest-pinned image from any registry passes IMG-01: pinned content cannot change.
func TestPinnedImageFromAnyRegistryPasses(t *testing.T) {
	e := fixtures.Plan(t, "prod")
	td := find(e, named(contract.TypeTaskDefinition, "users"))
	fixtures.SetImage(t, td, "ghcr.io/example/users@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
	for _, f := range findingOf(t, e, "IMG-01") {
		assert.NotEqual(t, td.URN, f.URN, f.Message)
	}
}

// Enhanced scanning stands in for scan on push, but only with Inspector enabled for ECR.
func TestEnhancedScanningCountsOnlyWhenInspectorScansECR(t *testing.T) {
	e := fixtures.Plan(t, "dev")
	setInput(find(e, named(contract.TypeECRRepository, "orders")), "imageScanningConfiguration", map[string]any{"scanOnPush": false})
	td := find(e, named(contract.TypeTaskDefinition, "orders")).URN
	scanning := stackstate.Resource{URN: "urn:pulumi:dev::secure-vpc::aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration::s", Type: contract.TypeECRRegistryScanningConfig, Custom: true,
		Inputs: map[string]any{"scanType": "ENHANCED", "rules": []any{map[string]any{"scanFrequency": "CONTINUOUS_SCAN", "repositoryFilters": []any{map[string]any{"filter": "*", "filterType": "WILDCARD"}}}}}}
	e.Deployment.Resources = append(e.Deployment.Resources, scanning)
	urns := func() []string {
		var out []string
		for _, f := range findingOf(t, e, "IMG-01") {
			out = append(out, f.URN)
		}
		return out
	}
	assert.Contains(t, urns(), td, "without an Inspector enabler for ECR, the configuration scans nothing")
	e.Deployment.Resources = append(e.Deployment.Resources, stackstate.Resource{URN: "urn:pulumi:dev::secure-vpc::aws:inspector2/enabler:Enabler::s", Type: contract.TypeInspectorEnabler, Custom: true,
		Inputs: map[string]any{"accountIds": []any{"123456789012"}, "resourceTypes": []any{"ECR"}}})
	assert.NotContains(t, urns(), td, "enhanced scanning of every repository stands in for scan on push")
}
