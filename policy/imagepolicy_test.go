package policy_test

import (
	"testing"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/fixtures"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
)

// imagePolicyCases break what a repository policy denies (IMG-03, judged by meaning) and who
// it admits to pull (IMG-04).
func imagePolicyCases() []imageCase {
	repoPolicy := func(e *stackstate.Export, svc string) *stackstate.Resource {
		return find(e, named(contract.TypeECRRepositoryPolicy, svc))
	}
	// ordersTask edits the orders task definition; it is the culprit.
	ordersTask := func(edit func(t *testing.T, td *stackstate.Resource)) func(*testing.T, *stackstate.Export) string {
		return func(t *testing.T, e *stackstate.Export) string {
			td := find(e, named(contract.TypeTaskDefinition, "orders"))
			edit(t, td)
			return td.URN
		}
	}
	covers := func(action string) func(policydoc.Statement) bool {
		return func(st policydoc.Statement) bool { return isDeny(st) && st.Covers(action) }
	}
	// editDeny edits every Deny of the orders repository's policy that covers the action.
	editDeny := func(t *testing.T, e *stackstate.Export, action string, edit func(st *policydoc.Statement)) string {
		p := repoPolicy(e, "orders")
		editPolicy(t, p, func(doc *policydoc.Document) {
			for i := range doc.Statement {
				if covers(action)(doc.Statement[i]) {
					edit(&doc.Statement[i])
				}
			}
		})
		return p.URN
	}
	return []imageCase{
		{"a push denial narrowed by a transport condition", "IMG-03", "dev", func(t *testing.T, e *stackstate.Export) string {
			return editDeny(t, e, "ecr:PutImage", func(st *policydoc.Statement) {
				st.Condition["Bool"] = map[string]any{"aws:SecureTransport": "false"}
			})
		}, "does not deny pushing or deleting images (ecr:BatchDeleteImage, ecr:CompleteLayerUpload, ecr:InitiateLayerUpload, ecr:PutImage, ecr:UploadLayerPart)"},
		{"a push denial of ecr:PutImage only", "IMG-03", "dev", func(t *testing.T, e *stackstate.Export) string {
			return editDeny(t, e, "ecr:PutImage", func(st *policydoc.Statement) { st.Action = []string{"ecr:PutImage"} })
		}, "does not deny pushing or deleting images (ecr:BatchDeleteImage, ecr:CompleteLayerUpload, ecr:InitiateLayerUpload, ecr:UploadLayerPart)"},
		{"no denial of policy changes", "IMG-03", "dev", func(t *testing.T, e *stackstate.Export) string {
			p := repoPolicy(e, "orders")
			editPolicy(t, p, dropStatements(covers("ecr:SetRepositoryPolicy")))
			return p.URN
		}, "does not deny changing its policy, lifecycle, scanning or tag mutability"},
		{"a policy-change denial narrowed to one source IP range", "IMG-03", "dev", func(t *testing.T, e *stackstate.Export) string {
			return editDeny(t, e, "ecr:SetRepositoryPolicy", func(st *policydoc.Statement) {
				st.Condition["IpAddress"] = map[string]any{"aws:SourceIp": "203.0.113.0/24"}
			})
		}, "does not deny changing its policy"},
		{"a push denial that spares every role by a wildcard", "IMG-03", "dev", func(t *testing.T, e *stackstate.Export) string {
			return editDeny(t, e, "ecr:PutImage", func(st *policydoc.Statement) {
				st.Condition["ArnNotEquals"]["aws:PrincipalArn"] = []string{"arn:aws:iam::123456789012:role/*"}
			})
		}, "exempts arn:aws:iam::123456789012:role/* from its push denial"},
		{"an Allow of ecr:* to every principal", "IMG-03", "dev", func(t *testing.T, e *stackstate.Export) string {
			p := repoPolicy(e, "orders")
			editPolicy(t, p, func(doc *policydoc.Document) {
				doc.Statement = append(doc.Statement, policydoc.Statement{Sid: "Open", Effect: policydoc.Allow, Principal: "*", Action: []string{"ecr:*"}})
			})
			return p.URN
		}, "statement Open of repository secure-vpc-dev/orders allows every principal"},
		{"an Allow to a role of another account", "IMG-03", "dev", func(t *testing.T, e *stackstate.Export) string {
			p := repoPolicy(e, "orders")
			editPolicy(t, p, func(doc *policydoc.Document) {
				doc.Statement = append(doc.Statement, policydoc.Statement{Sid: "Partner", Effect: policydoc.Allow,
					Principal: policydoc.AWSPrincipal("arn:aws:iam::210987654321:role/partner"), Action: []string{"ecr:BatchGetImage"}})
			})
			return p.URN
		}, "allows arn:aws:iam::210987654321:role/partner, a principal of another account"},
		{"a task runs another service's repository", "IMG-04", "dev", ordersTask(func(t *testing.T, td *stackstate.Resource) {
			fixtures.SetImage(t, td, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/secure-vpc-dev/users:1.0.0")
		}), "whose policy denies ecr:BatchCheckLayerAvailability, ecr:BatchGetImage, ecr:GetDownloadUrlForLayer to its execution role"},
		{"a task definition with no execution role", "IMG-04", "dev", ordersTask(func(_ *testing.T, td *stackstate.Resource) {
			setInput(td, "executionRoleArn", "")
		}), "names no execution role, so whether it may pull is unknown"},
	}
}

// Each case breaks one repository denial or a task's admission; the invariant names the
// resource at fault, and says nothing about it in the unbroken plan of the same stack.
func TestImagePolicyInvariantsCatchBrokenPlans(t *testing.T) { runImageCases(t, imagePolicyCases()) }
