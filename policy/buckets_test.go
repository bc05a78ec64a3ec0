package policy_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/fixtures"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/policy"
	"github.com/secure-vpc/secure-vpc/query"
)

// bucketOf returns the bucket of a purpose in a plan.
func bucketOf(e *stackstate.Export, purpose contract.Purpose) *stackstate.Resource {
	return find(e, func(r *stackstate.Resource) bool { return r.Type == contract.TypeBucket && query.Purpose(r) == purpose })
}

// editBucketPolicy rewrites the policy of a bucket of a purpose, statement by statement: edit returns
// the statements to keep in place of one.
func editBucketPolicy(t *testing.T, e *stackstate.Export, purpose contract.Purpose, edit func(st policydoc.Statement) []policydoc.Statement) string {
	t.Helper()
	b := bucketOf(e, purpose)
	p := find(e, func(r *stackstate.Resource) bool {
		return r.Type == contract.TypeBucketPolicy && r.Inputs["bucket"] == b.ID
	})
	require.NotNil(t, p)
	editPolicy(t, p, func(doc *policydoc.Document) {
		var out []policydoc.Statement
		for _, st := range doc.Statement {
			out = append(out, edit(st)...)
		}
		doc.Statement = out
	})
	return b.URN
}

// without drops the statements with a Sid.
func without(sid string) func(st policydoc.Statement) []policydoc.Statement {
	return func(st policydoc.Statement) []policydoc.Statement {
		if st.Sid == sid {
			return nil
		}
		return []policydoc.Statement{st}
	}
}

// bucketCase is a plan of a committed stack broken for one bucket invariant, and the others the
// same edit rightly breaks.
type bucketCase struct {
	invariant string
	stack     string
	breakPlan func(t *testing.T, e *stackstate.Export) (culprit string)
	wantMsg   string
	alsoFails []string
}

// bucketCases: a bucket policy is only as strong as what it denies; each of these plans loses
// one Deny, or widens one, and the invariant that holds it names the bucket.
func bucketCases() []bucketCase {
	return []bucketCase{
		{"BUCKET-01", "dev", func(t *testing.T, e *stackstate.Export) string {
			return editBucketPolicy(t, e, contract.DataPurpose, without("DenyReadsButReaders"))
		}, "does not deny s3:GetObject, s3:GetObjectAcl", nil},
		{"BUCKET-01", "dev", func(t *testing.T, e *stackstate.Export) string {
			// An explicit list that misses an action: the old policy's shape.
			return editBucketPolicy(t, e, contract.DataPurpose, func(st policydoc.Statement) []policydoc.Statement {
				if st.Sid == "DenyWritesButWriters" {
					st.Action = []string{"s3:PutObject", "s3:PutObjectTagging", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:AbortMultipartUpload"}
				}
				return []policydoc.Statement{st}
			})
		}, "does not deny s3:PutObjectAcl", nil},
		{"BUCKET-01", "dev", func(t *testing.T, e *stackstate.Export) string {
			// The read Deny spares an administrator too.
			return editBucketPolicy(t, e, contract.DataPurpose, func(st policydoc.Statement) []policydoc.Statement {
				if st.Sid == "DenyReadsButReaders" {
					spared := policydoc.StringList(st.Condition["ArnNotEquals"]["aws:PrincipalArn"])
					st.Condition["ArnNotEquals"]["aws:PrincipalArn"] = append(spared, "arn:aws:iam::123456789012:role/Admin")
				}
				return []policydoc.Statement{st}
			})
		}, "but its readers (web-bff (task role))", nil},
		{"BUCKET-01", "dev", func(t *testing.T, e *stackstate.Export) string {
			// An administrator is made a writer.
			return editBucketPolicy(t, e, contract.DataPurpose, func(st policydoc.Statement) []policydoc.Statement {
				if st.Sid == "WritersWrite" {
					st.Principal = policydoc.AWSPrincipal(append(st.Principals()["AWS"], "arn:aws:iam::123456789012:role/Admin")...)
				}
				return []policydoc.Statement{st}
			})
		}, "lets arn:aws:iam::123456789012:role/Admin use its objects", []string{"BUCKET-02"}}, // nor is the administrator held to the endpoint
		{"BUCKET-02", "dev", func(t *testing.T, e *stackstate.Export) string {
			return editBucketPolicy(t, e, contract.DataPurpose, without("DenyTaskRolesOutsideTheS3Endpoint"))
		}, "users (task role) may use it from outside the stack's S3 gateway endpoint", nil},
		{"BUCKET-02", "dev", func(t *testing.T, e *stackstate.Export) string {
			return editBucketPolicy(t, e, contract.DataPurpose, func(st policydoc.Statement) []policydoc.Statement {
				if st.Sid == "DenyTaskRolesOutsideTheS3Endpoint" {
					st.Condition["StringNotEquals"]["aws:SourceVpce"] = "vpce-0attacker0000000"
				}
				return []policydoc.Statement{st}
			})
		}, "admits requests through vpce-0attacker0000000, which is not the stack's S3 gateway endpoint", nil},
		{"BUCKET-02", "dev", func(t *testing.T, e *stackstate.Export) string {
			// The endpoint condition holds the reader only.
			return editBucketPolicy(t, e, contract.DataPurpose, func(st policydoc.Statement) []policydoc.Statement {
				if st.Sid == "DenyTaskRolesOutsideTheS3Endpoint" {
					roles := policydoc.StringList(st.Condition["ArnEquals"]["aws:PrincipalArn"])
					var kept []string
					for _, r := range roles {
						if strings.Contains(r, "web-bff") {
							kept = append(kept, r)
						}
					}
					st.Condition["ArnEquals"]["aws:PrincipalArn"] = kept
				}
				return []policydoc.Statement{st}
			})
		}, "users (task role) may use it from outside", nil},
		{"BUCKET-03", "dev", func(t *testing.T, e *stackstate.Export) string {
			// A writer with DeleteObjectVersion, and no Deny: one compromised writer wipes the bucket.
			return editBucketPolicy(t, e, contract.DataPurpose, func(st policydoc.Statement) []policydoc.Statement {
				switch st.Sid {
				case "DenyDestroyingVersions":
					return nil
				case "WritersWrite":
					st.Action = append(st.Action, "s3:DeleteObjectVersion")
				}
				return []policydoc.Statement{st}
			})
		}, "policy statement WritersWrite allows s3:DeleteObjectVersion", nil},
		{"BUCKET-03", "dev", func(t *testing.T, e *stackstate.Export) string {
			// A Deny that spares someone is not one that keeps the versions.
			return editBucketPolicy(t, e, contract.AccessLogsPurpose, func(st policydoc.Statement) []policydoc.Statement {
				switch st.Sid {
				case "DenyDeletingLogs":
					return nil
				case "DenyDestroyingVersions":
					st.Condition = map[string]map[string]any{"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/Admin"}}
				}
				return []policydoc.Statement{st}
			})
		}, "does not deny s3:DeleteObjectVersion, s3:PutObjectRetention, s3:PutObjectLegalHold, s3:BypassGovernanceRetention to every principal", nil},
		{"BUCKET-04", "prod", func(t *testing.T, e *stackstate.Export) string {
			lock := find(e, ofType(contract.TypeBucketObjectLock))
			require.NotNil(t, lock, "prod locks its data buckets")
			lock.Type = "aws:s3/bucketObjectLockConfigurationV2:Gone" // as if the stack had none
			lock.Custom = false
			return bucketOf(e, contract.DataPurpose).URN
		}, "is kept (protect) but has no Object Lock", nil},
		{"BUCKET-04", "prod", func(t *testing.T, e *stackstate.Export) string {
			lock := find(e, ofType(contract.TypeBucketObjectLock))
			delete(lock.Inputs, "rule")
			delete(lock.Outputs, "rule")
			return bucketOf(e, contract.DataPurpose).URN
		}, "no default retention mode", nil},
		{"BUCKET-05", "dev", func(t *testing.T, e *stackstate.Export) string {
			return editBucketPolicy(t, e, contract.AccessLogsPurpose, without("DenyWritesButLogDelivery"))
		}, "does not deny s3:PutObject, s3:PutObjectAcl", nil},
		{"BUCKET-05", "dev", func(t *testing.T, e *stackstate.Export) string {
			// The stack's own account spared: every in-account writer may rewrite the logs.
			return editBucketPolicy(t, e, contract.AccessLogsPurpose, func(st policydoc.Statement) []policydoc.Statement {
				if st.Sid == "DenyWritesButLogDelivery" {
					st.Condition["StringNotEquals"]["aws:PrincipalAccount"] = []string{"156460612806", "123456789012"}
				}
				return []policydoc.Statement{st}
			})
		}, "to every principal but log delivery", nil},
	}
}

func TestBucketInvariantsCatchBrokenPlans(t *testing.T) { checkStackCases(t, bucketCases()) }

// checkStackCases checks that each case's invariant flags its culprit in its stack's broken plan.
func checkStackCases(t *testing.T, cases []bucketCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.invariant+" "+tc.wantMsg, func(t *testing.T) {
			e := fixtures.Plan(t, tc.stack)
			assertCaught(t, e, tc.invariant, tc.breakPlan(t, e), tc.wantMsg, tc.alsoFails)
		})
	}
}

// The committed stacks hold every bucket invariant, and each checks what it should: dev's data
// bucket is not kept, so it needs no Object Lock; prod's is, and has it.
func TestBucketInvariantsHoldOnCommittedStacks(t *testing.T) {
	for _, stack := range fixtures.Stacks {
		for _, r := range policy.Evaluate(fixtures.Plan(t, stack)) {
			if strings.HasPrefix(r.Invariant.ID, "BUCKET-") {
				assert.True(t, r.Passed(), "%s %s: %v", stack, r.Invariant.ID, r.Findings)
				assert.Positive(t, r.Checked, "%s %s checked nothing", stack, r.Invariant.ID)
			}
		}
	}
	dev, prod := query.NewIndex(fixtures.Plan(t, "dev")), query.NewIndex(fixtures.Plan(t, "prod"))
	assert.Empty(t, dev.OfType(contract.TypeBucketObjectLock), "dev stays deletable")
	lock := prod.ObjectLockOf(prod.Named(contract.TypeBucket, "bucket", find(fixtures.Plan(t, "prod"), func(r *stackstate.Resource) bool {
		return r.Type == contract.TypeBucket && query.Purpose(r) == contract.DataPurpose
	}).ID))
	assert.Equal(t, query.ObjectLock{Config: lock.Config, Enabled: true, Mode: "GOVERNANCE", Days: 30}, lock)
}
