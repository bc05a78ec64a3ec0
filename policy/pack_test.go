package policy_test

// The policy pack (policypack/pack), driven as the engine drives it: through the policy SDK's own
// analyzer server over gRPC (policypack/packtest), with the AnalyzeStack requests the engine would
// send for the committed stacks' plans and for every failing fixture of the invariants.

import (
	"context"
	"slices"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/fixtures"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/policy"
	"github.com/secure-vpc/secure-vpc/policypack/pack"
	"github.com/secure-vpc/secure-vpc/policypack/packtest"
)

// packCase is one failing fixture of an invariant, whichever case list holds it.
type packCase struct {
	name, invariant string
	plan            func(t *testing.T) *stackstate.Export // the plan it breaks
	breakPlan       func(t *testing.T, e *stackstate.Export) (culprit string)
	want            string
}

// recordedPlan is the recorded plan of a committed stack, fresh for each case.
func recordedPlan(stack string) func(t *testing.T) *stackstate.Export {
	return func(t *testing.T) *stackstate.Export { return fixtures.Plan(t, stack) }
}

// packCases gathers every case list of the invariants' failing fixtures. A new case list belongs
// here too: TestEveryInvariantFailsThroughThePack fails for an invariant none of these lists.
func packCases() []packCase {
	var out []packCase
	for _, list := range [][]brokenPlan{networkCases(), dataCases(), computeCases(), reachCases(), deployCases(), perimeterCases(), dbAccessCases()} {
		for _, c := range list {
			out = append(out, packCase{c.invariant + " " + c.wantMsg, c.invariant, devPlan, c.breakPlan, c.wantMsg})
		}
	}
	for _, c := range secretGuardCases() {
		out = append(out, packCase{c.invariant + " " + c.name, c.invariant, devPlan, c.breakPlan, c.want})
	}
	for _, c := range slices.Concat(bucketCases(), egressCases(), egressNameCases(), egressAllCases()) {
		out = append(out, packCase{c.invariant + " " + c.wantMsg, c.invariant, recordedPlan(c.stack), c.breakPlan, c.wantMsg})
	}
	for _, c := range signingCases() {
		out = append(out, packCase{"IDENT-01 " + c.name, "IDENT-01", devPlan, c.breakPlan, c.wantMsg})
	}
	for _, c := range slices.Concat(imageCases(), imagePolicyCases()) {
		out = append(out, packCase{c.invariant + " " + c.name, c.invariant, recordedPlan(c.stack), c.breakPlan, c.want})
	}
	for _, c := range privateCACases() {
		out = append(out, packCase{"PKI-01 " + c.name, "PKI-01", c.plan, c.breakIt, c.want})
	}
	return out
}

// analyze runs the pack on a stack as the engine does and returns its diagnostics.
func analyze(t *testing.T, e *stackstate.Export, preview bool, levels map[string]string) []*pulumirpc.AnalyzeDiagnostic {
	t.Helper()
	req, err := packtest.Request(e)
	require.NoError(t, err)
	ds, err := packtest.Analyze(context.Background(), req, preview, levels)
	require.NoError(t, err)
	return ds
}

// violation returns the messages of the diagnostics of a policy that name urn.
func violation(ds []*pulumirpc.AnalyzeDiagnostic, policyName, urn string) []*pulumirpc.AnalyzeDiagnostic {
	var out []*pulumirpc.AnalyzeDiagnostic
	for _, d := range ds {
		if d.GetPolicyName() == policyName && d.GetUrn() == urn {
			out = append(out, d)
		}
	}
	return out
}

func messages(ds []*pulumirpc.AnalyzeDiagnostic) string {
	var out []string
	for _, d := range ds {
		out = append(out, d.GetPolicyName()+" "+d.GetUrn()+": "+d.GetMessage())
	}
	return strings.Join(out, "\n")
}

// dbRule is an ingress rule to the database port of a security group from a CIDR.
func dbRule(name, sg, cidr string) stackstate.Resource {
	return stackstate.Resource{URN: "urn:pulumi:dev::secure-vpc::aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::" + name,
		Custom: true, ID: "sgr-" + name, Type: contract.TypeSGIngressRule,
		Inputs: map[string]any{"securityGroupId": sg, "ipProtocol": "tcp", "fromPort": float64(5432), "toPort": float64(5432), "cidrIpv4": cidr}}
}

// The pack lists one mandatory policy per invariant, named by its id, then COVERAGE and UNKNOWN.
func TestPackListsEveryInvariantMandatory(t *testing.T) {
	c, err := packtest.Client()
	require.NoError(t, err)
	_, err = packtest.Analyze(context.Background(), &pulumirpc.AnalyzeStackRequest{}, false, nil) // configures the pack
	require.NoError(t, err)
	info, err := c.GetAnalyzerInfo(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, pack.Name, info.GetName())
	var want []string
	for _, inv := range policy.Catalogue() {
		want = append(want, inv.ID)
	}
	want = append(want, pack.Coverage, pack.Unknown)
	var got []string
	for _, p := range info.GetPolicies() {
		got = append(got, p.GetName())
		assert.Equal(t, pulumirpc.EnforcementLevel_MANDATORY, p.GetEnforcementLevel(), p.GetName())
	}
	assert.Equal(t, want, got)
}

// Every committed stack passes the pack, and so does dev with the AWS Private CA option: no
// violation at all, whatever its level.
func TestPackPassesTheCommittedStacks(t *testing.T) {
	for _, stack := range fixtures.Stacks {
		assert.Empty(t, messages(analyze(t, fixtures.Plan(t, stack), false, nil)), stack)
	}
	assert.Empty(t, messages(analyze(t, privateCAPlan(t), false, nil)), "dev with aws-private-ca")
}

// Each failing fixture of each invariant is a mandatory violation of the policy of that id,
// naming the resource at fault, through the analyzer's gRPC interface.
func TestPackCatchesEveryBrokenPlan(t *testing.T) {
	for _, tc := range packCases() {
		t.Run(tc.name, func(t *testing.T) {
			e := tc.plan(t)
			culprit := tc.breakPlan(t, e)
			ds := analyze(t, e, false, nil)
			got := violation(ds, tc.invariant, culprit)
			require.NotEmpty(t, got, "%s names %s; the pack said:\n%s", tc.invariant, culprit, messages(ds))
			var msgs []string
			for _, d := range got {
				msgs = append(msgs, d.GetMessage())
				assert.Equal(t, pulumirpc.EnforcementLevel_MANDATORY, d.GetEnforcementLevel())
				assert.Equal(t, pack.Name, d.GetPolicyPackName())
			}
			assert.Contains(t, strings.Join(msgs, "\n"), tc.want)
		})
	}
}

// No invariant of the catalogue goes without a failing fixture run through the pack.
func TestEveryInvariantFailsThroughThePack(t *testing.T) {
	ran := map[string]bool{}
	for _, c := range packCases() {
		ran[c.invariant] = true
	}
	for _, inv := range policy.Catalogue() {
		assert.True(t, ran[inv.ID], "%s has no failing fixture in packCases (add its case list there)", inv.ID)
	}
}

// The pack's config sets an invariant advisory (reported, the update goes on) or disabled; the
// others stay mandatory.
func TestPackConfigSetsAnInvariantAdvisory(t *testing.T) {
	broken := func(t *testing.T) (*stackstate.Export, string) {
		e := devPlan(t)
		addResource(e, dbRule("vpc-to-users-db", groupOf(e, "db-users-db").ID, "10.20.0.0/16"))
		return e, find(e, named(contract.TypeDBInstance, "users-db")).URN
	}
	e, db := broken(t)
	ds := analyze(t, e, false, map[string]string{"DATA-03": "advisory"})
	got := violation(ds, "DATA-03", db)
	require.NotEmpty(t, got, messages(ds))
	for _, d := range got {
		assert.Equal(t, pulumirpc.EnforcementLevel_ADVISORY, d.GetEnforcementLevel())
	}
	for _, d := range ds {
		if d.GetPolicyName() != "DATA-03" {
			assert.Equal(t, pulumirpc.EnforcementLevel_MANDATORY, d.GetEnforcementLevel(), "%s stays mandatory", d.GetPolicyName())
		}
	}
	e, db = broken(t)
	assert.Empty(t, violation(analyze(t, e, false, map[string]string{"DATA-03": "disabled"}), "DATA-03", db))
	e, db = broken(t)
	assert.NotEmpty(t, violation(analyze(t, e, false, nil), "DATA-03", db), "mandatory again without the config")
}

// As the audit, the pack fails closed: a resource no invariant can judge is a COVERAGE violation
// naming it, and so is a stack with nothing in it.
func TestPackReportsWhatItCannotJudge(t *testing.T) {
	e := devPlan(t)
	fn := "urn:pulumi:dev::secure-vpc::aws:lambda/function:Function::handler"
	addResource(e, stackstate.Resource{URN: fn, Custom: true, ID: "handler", Type: "aws:lambda/function:Function", Inputs: map[string]any{"role": "arn:aws:iam::123456789012:role/x"}})
	ds := analyze(t, e, false, nil)
	got := violation(ds, pack.Coverage, fn)
	require.Len(t, got, 1, messages(ds))
	assert.Contains(t, got[0].GetMessage(), "not evaluated: a Lambda function")
	assert.Equal(t, pulumirpc.EnforcementLevel_MANDATORY, got[0].GetEnforcementLevel())

	empty := &stackstate.Export{Version: 3, Deployment: stackstate.Deployment{Resources: []stackstate.Resource{{URN: "urn:pulumi:dev::secure-vpc::pulumi:pulumi:Stack::secure-vpc-dev", Type: contract.TypeStack}}}}
	ds = analyze(t, empty, false, nil)
	require.Len(t, ds, 1, messages(ds))
	assert.Equal(t, pack.Coverage, ds[0].GetPolicyName())
	assert.Contains(t, ds[0].GetMessage(), "holds no resources")
}

// In a preview that creates the whole stack, ids and ARNs are unknown. A reference whose property
// depends on one resource of its kind is that resource, so the invariants still follow the graph
// and still catch a broken rule; every other value computed from a resource not yet created (a
// policy document built from ARNs) is an UNKNOWN violation naming its resource, never a pass.
func TestPackInAPreview(t *testing.T) {
	e := devPlan(t)
	dbGroup := *groupOf(e, "db-users-db")
	packtest.Preview(e)
	ds := analyze(t, e, true, nil)
	unknown := map[string]string{}
	for _, d := range ds {
		if d.GetPolicyName() == pack.Unknown {
			unknown[d.GetUrn()] = d.GetMessage()
		}
	}
	policies := 0
	for _, r := range e.Deployment.Resources {
		if r.Inputs["policy"] == stackstate.Unknown {
			policies++
			assert.Contains(t, unknown[r.URN], "policy not known until the update applies", "%s's policy document is unknown in the preview", r.URN)
		}
	}
	assert.Greater(t, policies, 10, "bucket, secret, key and role policies are built from ARNs")
	for _, d := range ds {
		assert.Equal(t, pulumirpc.EnforcementLevel_MANDATORY, d.GetEnforcementLevel())
	}

	// The same preview with a rule from the VPC's CIDR on the database's group: the rule's
	// security group id is unknown, and still the rule is judged on the database's group.
	e = devPlan(t)
	r := dbRule("vpc-to-users-db", dbGroup.ID, "10.20.0.0/16")
	r.PropertyDependencies = map[string][]string{"securityGroupId": {dbGroup.URN}}
	addResource(e, r)
	db := find(e, named(contract.TypeDBInstance, "users-db")).URN
	packtest.Preview(e)
	assert.Equal(t, stackstate.Unknown, find(e, named(contract.TypeSGIngressRule, "vpc-to-users-db")).Inputs["securityGroupId"])
	ds = analyze(t, e, true, nil)
	got := violation(ds, "DATA-03", db)
	require.NotEmpty(t, got, messages(ds))
	assert.Contains(t, got[0].GetMessage(), "admits 10.20.0.0/16")

	// A CIDR computed from another resource is not a reference: unknown, so reported.
	e = devPlan(t)
	r = dbRule("computed-to-users-db", dbGroup.ID, stackstate.Unknown)
	vpc := find(e, ofType(contract.TypeVpc))
	r.PropertyDependencies = map[string][]string{"securityGroupId": {dbGroup.URN}, "cidrIpv4": {vpc.URN}}
	addResource(e, r)
	ds = analyze(t, e, true, nil)
	got = violation(ds, pack.Unknown, r.URN)
	require.Len(t, got, 1, messages(ds))
	assert.Contains(t, got[0].GetMessage(), "cidrIpv4 not known until the update applies")
	assert.Contains(t, got[0].GetMessage(), vpc.URN)
}

// A provider whose outputs do not carry the resource's id (the engine sends none of its own):
// the pack places each id from its EC2 ARN or from the references to it, whatever the order of
// the property dependencies, and the committed stacks still pass; a broken one still fails.
func TestPackWithoutIDs(t *testing.T) {
	noIDs := func(e *stackstate.Export) *stackstate.Export {
		for i := range e.Deployment.Resources {
			r := &e.Deployment.Resources[i]
			r.ID = ""
			for _, urns := range r.PropertyDependencies {
				slices.Reverse(urns)
			}
		}
		return e
	}
	for _, stack := range fixtures.Stacks {
		assert.Empty(t, messages(analyze(t, noIDs(fixtures.Plan(t, stack)), false, nil)), stack)
	}
	e := devPlan(t)
	addResource(e, dbRule("vpc-to-users-db", groupOf(e, "db-users-db").ID, "10.20.0.0/16"))
	db := find(e, named(contract.TypeDBInstance, "users-db")).URN
	assert.NotEmpty(t, violation(analyze(t, noIDs(e), false, nil), "DATA-03", db))
}
