package policy_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/fixtures"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/policy"
	"github.com/secure-vpc/secure-vpc/query"
)

func init() {
	// Since orders declares a destination in dev, a route from the private tier to the internet
	// carries its egress, which its ECS service does not wait for.
	alsoFails["only the public tier may face the internet"] = append(alsoFails["only the public tier may face the internet"], "ORDER-01")
	// A host with all egress to the internet, or a service given internet egress by hand, is no
	// service with declared destinations.
	alsoFails["instance worker can reach it"] = append(alsoFails["instance worker can reach it"], "EGRESS-02")
	alsoFails["the tasks' internet egress crosses at the NAT gateway"] = append(alsoFails["the tasks' internet egress crosses at the NAT gateway"], "EGRESS-02")
	// An ECS service added by hand waits for nothing, the DNS Firewall included.
	alsoFails["keeps it running with the master secret"] = append(alsoFails["keeps it running with the master secret"], "EGRESS-01")
}

// setInput sets an input of a resource (and its output, when the plan records one).
func setInput(r *stackstate.Resource, key string, v any) {
	r.Inputs[key] = v
	if r.Outputs != nil {
		r.Outputs[key] = v
	}
}

// dropInput removes an input of a resource (and its output): a value the audit cannot read.
func dropInput(r *stackstate.Resource, key string) {
	delete(r.Inputs, key)
	delete(r.Outputs, key)
}

// gone turns a resource into one of a type no invariant reads, as if the stack did not hold it.
func gone(r *stackstate.Resource) {
	r.Type = "aws:index/gone:Gone"
	r.Custom = false
}

func dnsRule(e *stackstate.Export, label string) *stackstate.Resource {
	return find(e, named(contract.TypeFirewallRule, "dns-firewall-"+label))
}

func dnsList(e *stackstate.Export, label string) *stackstate.Resource {
	return find(e, named(contract.TypeFirewallDomainList, "dns-firewall-"+label))
}

func vpcOf(e *stackstate.Export) *stackstate.Resource { return find(e, ofType(contract.TypeVpc)) }

// publicEgressRule adds a standalone egress rule from a group to a CIDR.
func publicEgressRule(e *stackstate.Export, name, groupID, proto, cidr string, from, to int) string {
	r := stackstate.Resource{
		URN:    "urn:pulumi:dev::secure-vpc::aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule::" + name,
		Type:   contract.TypeSGEgressRule,
		Custom: true,
		ID:     "sgr-" + name,
		Inputs: map[string]any{"securityGroupId": groupID, "ipProtocol": proto, "fromPort": float64(from), "toPort": float64(to), "cidrIpv4": cidr},
	}
	addResource(e, r)
	return r.URN
}

func logPolicy(e *stackstate.Export) *stackstate.Resource {
	return find(e, ofType(contract.TypeLogResourcePolicy))
}

func editLogPolicy(t *testing.T, e *stackstate.Export, from, to string) string {
	t.Helper()
	p := logPolicy(e)
	doc := p.Inputs["policyDocument"].(string)
	require.Contains(t, doc, from)
	setInput(p, "policyDocument", strings.Replace(doc, from, to, 1))
	return p.URN
}

// egressCases break the DNS Firewall or the internet egress of a committed stack's plan (the
// shape of bucketCase: invariant, stack, edit, message, what else rightly fails).
func egressCases() []bucketCase {
	return []bucketCase{
		// the last rule allows
		{"EGRESS-01", "dev", func(t *testing.T, e *stackstate.Export) string {
			r := dnsRule(e, "dns-block-all")
			setInput(r, "action", "ALLOW")
			return r.URN
		}, "is the VPC's last DNS Firewall rule (priority 10000) but does ALLOW on *", nil},
		// no rule blocks
		{"EGRESS-01", "dev", func(t *testing.T, e *stackstate.Export) string {
			gone(dnsRule(e, "dns-block-all"))
			return dnsRule(e, "egress-orders").URN
		}, "but does ALLOW on api.payments.example, not BLOCK on *", nil},
		// a block list the audit cannot read
		{"EGRESS-01", "dev", func(t *testing.T, e *stackstate.Export) string {
			dropInput(dnsList(e, "dns-block-all"), "domains")
			return dnsRule(e, "dns-block-all").URN
		}, "cannot read its domain list", nil},
		// no association
		{"EGRESS-01", "dev", func(t *testing.T, e *stackstate.Export) string {
			gone(find(e, ofType(contract.TypeFirewallRuleGroupAssoc)))
			return vpcOf(e).URN
		}, "has no DNS Firewall rule group association", []string{"EGRESS-02"}},
		// a rule group the stack does not hold
		{"EGRESS-01", "dev", func(t *testing.T, e *stackstate.Export) string {
			a := find(e, ofType(contract.TypeFirewallRuleGroupAssoc))
			setInput(a, "firewallRuleGroupId", "rslvr-frg-elsewhere")
			return a.URN
		}, "which the stack does not hold", []string{"EGRESS-02", "EGRESS-03"}},
		// a service that does not wait for the firewall
		{"EGRESS-01", "dev", func(t *testing.T, e *stackstate.Export) string {
			svc := find(e, named(contract.TypeECSService, "orders"))
			svc.Dependencies = slices.DeleteFunc(svc.Dependencies, func(urn string) bool { return strings.Contains(urn, "resolverFirewall") })
			return svc.URN
		}, "can be created before the DNS Firewall association dns-firewall", nil},
		// prod fails open
		{"EGRESS-01", "prod", func(t *testing.T, e *stackstate.Export) string {
			c := find(e, ofType(contract.TypeFirewallConfig))
			setInput(c, "firewallFailOpen", "ENABLED")
			return c.URN
		}, "fails open (firewallFailOpen ENABLED) in a stack that protects its stores", nil},
		// prod's fail-open setting unreadable
		{"EGRESS-01", "prod", func(t *testing.T, e *stackstate.Export) string {
			c := find(e, ofType(contract.TypeFirewallConfig))
			dropInput(c, "firewallFailOpen")
			return c.URN
		}, "cannot read its firewallFailOpen", nil},
		// prod without a firewall config
		{"EGRESS-01", "prod", func(t *testing.T, e *stackstate.Export) string {
			gone(find(e, ofType(contract.TypeFirewallConfig)))
			return vpcOf(e).URN
		}, "declares no DNS Firewall config", nil},
		// no query logging
		{"EGRESS-01", "dev", func(t *testing.T, e *stackstate.Export) string {
			gone(find(e, ofType(contract.TypeQueryLogConfigAssociation)))
			return vpcOf(e).URN
		}, "has no Resolver query logging", nil},
		// query logs elsewhere
		{"EGRESS-01", "dev", func(t *testing.T, e *stackstate.Export) string {
			c := find(e, ofType(contract.TypeQueryLogConfig))
			setInput(c, "destinationArn", "arn:aws:s3:::someone-elses-bucket")
			return c.URN
		}, "not a log group of the stack", nil},
		// query logs unencrypted
		{"EGRESS-01", "dev", func(t *testing.T, e *stackstate.Export) string {
			lg := find(e, named(contract.TypeLogGroup, "dns-firewall-dns-queries"))
			dropInput(lg, "kmsKeyId")
			return lg.URN
		}, "receives the VPC's DNS query logs but is not encrypted", []string{"NET-06"}},
		// delivery into every log group
		{"EGRESS-01", "dev", func(t *testing.T, e *stackstate.Export) string {
			return editLogPolicy(t, e, "log-group:/secure-vpc/dev/dns-queries:log-stream:*", "log-group:*")
		}, "lets Service delivery.logs.amazonaws.com write to arn:aws:logs:eu-west-1:123456789012:log-group:*, not a log group of the stack", nil},
		// delivery from any account
		{"EGRESS-01", "dev", func(t *testing.T, e *stackstate.Export) string {
			return editLogPolicy(t, e, `"aws:SourceAccount":"123456789012"`, `"aws:SourceAccount":"*"`)
		}, "does not confine delivery to the stack's account", nil},
		// a delivery policy the audit cannot read
		{"EGRESS-01", "dev", func(t *testing.T, e *stackstate.Export) string {
			p := logPolicy(e)
			setInput(p, "policyDocument", "")
			return p.URN
		}, "cannot read its policy document", nil},

		// egress wider than HTTPS
		{"EGRESS-02", "dev", func(t *testing.T, e *stackstate.Export) string {
			r := find(e, named(contract.TypeSGEgressRule, "svc-orders-to-internet-443"))
			setInput(r, "fromPort", float64(0))
			setInput(r, "toPort", float64(65535))
			return r.URN
		}, "opens tcp 0-65535 to 0.0.0.0/0 for service orders: internet egress is HTTPS only (tcp 443)", []string{"REACH-01"}},
		// a service that declares nothing
		{"EGRESS-02", "dev", func(t *testing.T, e *stackstate.Export) string {
			return publicEgressRule(e, "users-out", groupOf(e, "svc-users").ID, "tcp", "0.0.0.0/0", 443, 443)
		}, "for service users, which declares no egress destinations", []string{"REACH-01", "ORDER-01"}},
		// a public address that is not the whole internet
		{"EGRESS-02", "dev", func(t *testing.T, e *stackstate.Export) string {
			return publicEgressRule(e, "users-to-resolver", groupOf(e, "svc-users").ID, "udp", "8.8.8.8/32", 53, 53)
		}, "opens udp 53 to 8.8.8.8/32 for service users: internet egress is HTTPS only", []string{"ORDER-01"}},
		// a group that is no service's
		{"EGRESS-02", "dev", func(t *testing.T, e *stackstate.Export) string {
			return publicEgressRule(e, "db-out", groupOf(e, "db-users-db").ID, "tcp", "0.0.0.0/0", 443, 443)
		}, "for the database group users-db", []string{"REACH-01", "ORDER-01"}},
		// a group the stack does not hold
		{"EGRESS-02", "dev", func(t *testing.T, e *stackstate.Export) string {
			return publicEgressRule(e, "foreign-out", "sg-0123456789abcdef0", "tcp", "0.0.0.0/0", 443, 443)
		}, "for a security group the stack does not hold", []string{"ORDER-01"}},
		// destinations the firewall blocks
		{"EGRESS-02", "dev", func(t *testing.T, e *stackstate.Export) string {
			setInput(dnsRule(e, "egress-orders"), "action", "BLOCK")
			return find(e, named(contract.TypeSGEgressRule, "svc-orders-to-internet-443")).URN
		}, "the VPC's DNS Firewall does not allow before it blocks everything", nil},
		// destinations without a domain list
		{"EGRESS-02", "dev", func(t *testing.T, e *stackstate.Export) string {
			gone(dnsList(e, "egress-orders"))
			return find(e, named(contract.TypeSGEgressRule, "svc-orders-to-internet-443")).URN
		}, "which declares no egress destinations", []string{"EGRESS-01"}},
		// destinations the audit cannot read
		{"EGRESS-02", "dev", func(t *testing.T, e *stackstate.Export) string {
			dropInput(dnsList(e, "egress-orders"), "domains")
			return find(e, named(contract.TypeSGEgressRule, "svc-orders-to-internet-443")).URN
		}, "the audit cannot read or are empty", []string{"EGRESS-01"}},
	}
}

// Each egress invariant catches its broken plans, naming the resource at fault.
func TestEgressInvariantsCatchBrokenPlans(t *testing.T) { checkStackCases(t, egressCases()) }

// The committed stacks hold both egress invariants and each judges something: one VPC whose
// last rule blocks *, fail closed in staging and prod, and in dev the orders service's HTTPS
// egress, allowed by its declared destination.
func TestEgressInvariantsHoldOnCommittedStacks(t *testing.T) {
	for _, stack := range fixtures.Stacks {
		e := fixtures.Plan(t, stack)
		for _, r := range policy.Evaluate(e) {
			if strings.HasPrefix(r.Invariant.ID, "EGRESS-") {
				assert.Empty(t, r.Findings, "%s %s", stack, r.Invariant.ID)
				assert.Positive(t, r.Checked, "%s %s judges nothing", stack, r.Invariant.ID)
			}
		}
		fws := query.NewIndex(e).DNSFirewalls()
		require.Len(t, fws, 1, stack)
		assert.Equal(t, "DISABLED", fws[0].FailOpen, "%s fails closed", stack)
	}
	dests := query.NewIndex(fixtures.Plan(t, "dev")).ServiceDestinations()
	assert.Equal(t, map[string][]string{"orders": {"api.payments.example"}}, dests)
}

// What the invariants accept, so that they are not merely strict: dev (which keeps no store) may
// fail open, and egress to a private address is no internet egress.
func TestEgressInvariantsAcceptWhatIsAllowed(t *testing.T) {
	e := fixtures.Plan(t, "dev")
	setInput(find(e, ofType(contract.TypeFirewallConfig)), "firewallFailOpen", "ENABLED")
	publicEgressRule(e, "users-to-peer", groupOf(e, "svc-users").ID, "tcp", "10.30.0.0/16", 5432, 5432)
	for _, r := range policy.Evaluate(e) {
		if strings.HasPrefix(r.Invariant.ID, "EGRESS-") {
			assert.Empty(t, r.Findings, r.Invariant.ID)
		}
	}
	assert.True(t, query.IsPrivateCIDR("100.64.1.0/24"))
	assert.False(t, query.IsPrivateCIDR("8.8.8.0/24"))
	assert.False(t, query.IsPrivateCIDR("10.0.0.0/7"), "a block wider than 10/8 is partly public")
	assert.False(t, query.IsPrivateCIDR("not a cidr"))
}
