package policy_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/fixtures"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
)

// withoutDomain removes a name from the platform's domain list of a plan.
func withoutDomain(t *testing.T, e *stackstate.Export, host string) {
	t.Helper()
	list := dnsList(e, "dns-platform")
	var kept []any
	for _, d := range list.Inputs["domains"].([]any) {
		if d != host {
			kept = append(kept, d)
		}
	}
	assert.Less(t, len(kept), len(list.Inputs["domains"].([]any)), "the platform list held %s", host)
	setInput(list, "domains", kept)
}

// egressNameCases: a DNS Firewall that blocks a name the platform itself needs plans cleanly
// and AWS accepts it, but the tasks cannot pull, read their secrets, log, find each other or
// reach their stores. Each case blocks one kind of name (or hides it from the audit).
func egressNameCases() []bucketCase {
	blocks := func(host string, culprit func(e *stackstate.Export) *stackstate.Resource) func(t *testing.T, e *stackstate.Export) string {
		return func(t *testing.T, e *stackstate.Export) string {
			withoutDomain(t, e, host)
			return culprit(e).URN
		}
	}
	return []bucketCase{
		{"EGRESS-03", "dev", blocks("secretsmanager.eu-west-1.amazonaws.com", func(e *stackstate.Export) *stackstate.Resource { return endpointOf(e, "secretsmanager") }),
			"secretsmanager.eu-west-1.amazonaws.com (secretsmanager through its interface endpoint) is blocked by the DNS Firewall", nil},
		{"EGRESS-03", "prod", blocks("123456789012.dkr.ecr.eu-west-1.amazonaws.com", func(e *stackstate.Export) *stackstate.Resource { return endpointOf(e, "ecr.dkr") }),
			"123456789012.dkr.ecr.eu-west-1.amazonaws.com (ecr.dkr through its interface endpoint) is blocked", nil},
		{"EGRESS-03", "dev", blocks("prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com", func(e *stackstate.Export) *stackstate.Resource { return endpointOf(e, "ecr.dkr") }),
			"(the layers of ECR images) is blocked", nil},
		{"EGRESS-03", "dev", blocks("*.dev.secure-vpc.internal", func(e *stackstate.Export) *stackstate.Resource {
			return find(e, named(contract.TypeDiscoveryService, "users"))
		}), "users.dev.secure-vpc.internal (service users in Cloud Map) is blocked", nil},
		{"EGRESS-03", "staging", func(t *testing.T, e *stackstate.Export) string {
			db := find(e, ofType(contract.TypeDBInstance))
			withoutDomain(t, e, db.Outputs["address"].(string))
			return db.URN
		}, "(the Instance's endpoint) is blocked", nil},
		{"EGRESS-03", "dev", func(t *testing.T, e *stackstate.Export) string {
			cache := find(e, ofType(contract.TypeCache))
			withoutDomain(t, e, cache.Outputs["primaryEndpointAddress"].(string))
			return cache.URN
		}, "(the ReplicationGroup's endpoint) is blocked", nil},
		{"EGRESS-03", "dev", func(t *testing.T, e *stackstate.Export) string {
			b := find(e, named(contract.TypeBucket, "user-uploads"))
			withoutDomain(t, e, b.Outputs["bucketRegionalDomainName"].(string))
			return b.URN
		}, "(the bucket through the S3 gateway endpoint) is blocked", nil},
		// a name the audit cannot read is reported, never assumed allowed
		{"EGRESS-03", "dev", func(t *testing.T, e *stackstate.Export) string {
			db := find(e, ofType(contract.TypeDBInstance))
			db.Outputs["address"] = stackstate.Unknown
			return db.URN
		}, "the audit cannot read the name tasks resolve for the Instance's endpoint", nil},
		// an allow list the audit cannot read leaves every name after it unknown
		{"EGRESS-03", "dev", func(t *testing.T, e *stackstate.Export) string {
			dropInput(dnsList(e, "dns-platform"), "domains")
			return endpointOf(e, "kms").URN
		}, "the audit cannot tell what the DNS Firewall of VPC network does with kms.eu-west-1.amazonaws.com", []string{"EGRESS-01"}},
		// an earlier rule that blocks the AWS endpoints: the first rule that matches decides
		{"EGRESS-03", "dev", func(t *testing.T, e *stackstate.Export) string {
			list := addDomainList(e, "early-block", "*.amazonaws.com")
			addRule(e, "early-block", list, "BLOCK", 50)
			return endpointOf(e, "secretsmanager").URN
		}, "the first rule that matches it is dns-firewall-early-block (priority 50, BLOCK)", nil},
	}
}

func TestEgressNamesCatchBrokenPlans(t *testing.T) { checkStackCases(t, egressNameCases()) }

// addDomainList adds a DNS Firewall domain list to a plan, as the program's are written, and
// returns its id.
func addDomainList(e *stackstate.Export, label string, domains ...any) string {
	list := *dnsList(e, "dns-platform")
	list.URN = strings.Replace(list.URN, "dns-firewall-dns-platform", "dns-firewall-"+label, 1)
	list.ID = "rslvr-fdl-" + label
	list.Inputs, list.Outputs = maps.Clone(list.Inputs), maps.Clone(list.Outputs)
	delete(list.Inputs, "tags")
	delete(list.Outputs, "tags")
	setInput(&list, "domains", domains)
	addResource(e, list)
	return list.ID
}

// addRule adds a rule to the VPC's rule group, on a domain list, with an action and a priority.
func addRule(e *stackstate.Export, label, listID, action string, priority int) *stackstate.Resource {
	rule := *dnsRule(e, "dns-platform")
	rule.URN = strings.Replace(rule.URN, "dns-firewall-dns-platform", "dns-firewall-"+label, 1)
	rule.ID = "rslvr-fr-" + label
	rule.Inputs, rule.Outputs = maps.Clone(rule.Inputs), maps.Clone(rule.Outputs)
	setInput(&rule, "firewallDomainListId", listID)
	setInput(&rule, "action", action)
	setInput(&rule, "priority", float64(priority))
	if action == "BLOCK" {
		setInput(&rule, "blockResponse", "NXDOMAIN")
	}
	addResource(e, rule)
	return find(e, func(r *stackstate.Resource) bool { return r.URN == rule.URN })
}

// egressAllCases: a DNS Firewall whose block rule blocks nothing, because a rule before it lets
// every name through or the block inspects one query type only, fails EGRESS-01; one that blocks
// a declared destination before its allow fails EGRESS-02.
func egressAllCases() []bucketCase {
	return []bucketCase{
		{"EGRESS-01", "dev", func(t *testing.T, e *stackstate.Export) string {
			return addRule(e, "allow-all", dnsList(e, "dns-block-all").ID, "ALLOW", 150).URN
		}, "does ALLOW on * (priority 150) before the rule that blocks every name", nil},
		{"EGRESS-01", "prod", func(t *testing.T, e *stackstate.Export) string {
			return addRule(e, "alert-all", dnsList(e, "dns-block-all").ID, "ALERT", 150).URN
		}, "does ALERT on * (priority 150) before the rule that blocks every name", nil},
		{"EGRESS-01", "dev", func(t *testing.T, e *stackstate.Export) string {
			list := dnsList(e, "dns-platform")
			setInput(list, "domains", append(list.Inputs["domains"].([]any), "*.com"))
			return dnsRule(e, "dns-platform").URN
		}, "does ALLOW on *.com (priority 100) before the rule that blocks every name", nil},
		{"EGRESS-01", "dev", func(t *testing.T, e *stackstate.Export) string {
			setInput(dnsList(e, "egress-orders"), "domains", []any{"*"})
			return dnsRule(e, "egress-orders").URN
		}, "does ALLOW on * (priority 200) before the rule that blocks every name", nil},
		// a declared destination an earlier rule blocks: the service's egress cannot work
		{"EGRESS-02", "dev", func(t *testing.T, e *stackstate.Export) string {
			addRule(e, "early-block", addDomainList(e, "early-block", "*.example"), "BLOCK", 50)
			return find(e, named(contract.TypeSGEgressRule, "svc-orders-to-internet-443")).URN
		}, "whose declared destination api.payments.example the DNS Firewall of VPC network blocks: the first rule that matches it is dns-firewall-early-block (priority 50, BLOCK)", nil},
		// a block of one query type only: TXT and the others go through
		{"EGRESS-01", "staging", func(t *testing.T, e *stackstate.Export) string {
			r := dnsRule(e, "dns-block-all")
			setInput(r, "qType", "A")
			return r.URN
		}, "blocks * only for A queries: every other query type (TXT, the tunnelling one, included) resolves", nil},
	}
}

func TestEgressLetsNothingAllThrough(t *testing.T) { checkStackCases(t, egressAllCases()) }

// With AWS Private CA, tasks reach acm-pca through its own interface endpoint: the firewall
// allows its name (the program adds the stack's extra endpoints to the platform's list), and
// a list without it fails.
func TestEgressNamesFollowTheExtraEndpoints(t *testing.T) {
	e := privateCAPlan(t)
	assert.Empty(t, findingOf(t, e, "EGRESS-03"))
	assert.True(t, slices.Contains(dnsList(e, "dns-platform").Inputs["domains"].([]any), any("acm-pca.eu-west-1.amazonaws.com")))
	withoutDomain(t, e, "acm-pca.eu-west-1.amazonaws.com")
	assertCaught(t, e, "EGRESS-03", endpointOf(e, "acm-pca").URN, "acm-pca.eu-west-1.amazonaws.com (acm-pca through its interface endpoint) is blocked", nil)
	for _, stack := range fixtures.Stacks {
		assert.Empty(t, findingOf(t, fixtures.Plan(t, stack), "EGRESS-03"), stack)
	}
}
