package platform_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/stack"
	"github.com/secure-vpc/secure-vpc/internal/testkit"
	"github.com/secure-vpc/secure-vpc/network"
	"github.com/secure-vpc/secure-vpc/query"
)

func dnsFirewallArgs(scope stack.Scope, failOpen bool) *network.DNSFirewallArgs {
	return &network.DNSFirewallArgs{
		Scope: scope, VpcID: pulumi.String("vpc-0123456789abcdef0"), Namespace: "test.secure-vpc.internal",
		Destinations:   map[string][]string{"orders": {"api.payments.example", "*.stripe.com", "api.payments.example"}, "billing": {"api.tax.example"}},
		Buckets:        pulumi.StringArray{pulumi.String("user-uploads-0123abc")},
		StoreEndpoints: pulumi.StringArray{pulumi.String("users-db.cabc.eu-west-1.rds.amazonaws.com")},
		FailOpen:       failOpen, LogsKeyArn: pulumi.String(logsKey), LogRetentionDays: 30,
	}
}

// The DNS Firewall allows the platform's names and each service's destinations, in that order,
// and blocks every other name last; the association waits for every rule; the config fails as
// told; the queries go to a KMS-encrypted log group the delivery service may write to.
func TestDNSFirewall(t *testing.T) {
	for _, tc := range []struct {
		scope    stack.Scope
		failOpen bool
		want     string
	}{{testScope, true, "ENABLED"}, {protected, false, "DISABLED"}} {
		p := runAlone(t, func(ctx *pulumi.Context) error {
			_, err := network.NewDNSFirewall(ctx, "dns-firewall", dnsFirewallArgs(tc.scope, tc.failOpen))
			return err
		})
		rules := map[string]int{}
		for _, r := range p.all(contract.TypeFirewallRule) {
			rules[r.Inputs["name"].(string)] = query.ToInt(r.Inputs["priority"])
		}
		assert.Equal(t, map[string]int{"secure-vpc-test-dns-platform": 100, "secure-vpc-test-egress-billing": 200, "secure-vpc-test-egress-orders": 300, "secure-vpc-test-dns-block-all": 10000}, rules)
		block := p.one(contract.TypeFirewallRule, "dns-firewall-dns-block-all")
		assert.Equal(t, "BLOCK", block.Inputs["action"])
		assert.Equal(t, "NXDOMAIN", block.Inputs["blockResponse"])
		assert.Equal(t, []any{"*"}, p.one(contract.TypeFirewallDomainList, "dns-firewall-dns-block-all").Inputs["domains"])
		allow := p.one(contract.TypeFirewallRule, "dns-firewall-egress-orders")
		assert.Equal(t, "ALLOW", allow.Inputs["action"])
		assert.Equal(t, "TRUST_REDIRECTION_DOMAIN", allow.Inputs["firewallDomainRedirectionAction"])

		orders := p.one(contract.TypeFirewallDomainList, "dns-firewall-egress-orders")
		assert.Equal(t, []any{"*.stripe.com", "api.payments.example"}, orders.Inputs["domains"], "sorted, each once")
		assert.Equal(t, "orders", tags(orders)[contract.ServiceTag])
		assert.Equal(t, string(contract.ServiceDomains), tags(orders)[contract.DomainListTag])
		platform := p.one(contract.TypeFirewallDomainList, "dns-firewall-dns-platform")
		for _, name := range []string{"secretsmanager.eu-west-1.amazonaws.com", "api.ecr.eu-west-1.amazonaws.com", "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
			"prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com", "user-uploads-0123abc.s3.eu-west-1.amazonaws.com",
			"test.secure-vpc.internal", "*.test.secure-vpc.internal", "users-db.cabc.eu-west-1.rds.amazonaws.com"} {
			assert.Contains(t, platform.Inputs["domains"], name)
		}
		assert.NotContains(t, platform.Inputs["domains"], "api.payments.example", "a destination is its service's, not the platform's")

		assoc := p.one(contract.TypeFirewallRuleGroupAssoc, "dns-firewall")
		assert.Equal(t, "vpc-0123456789abcdef0", assoc.Inputs["vpcId"])
		for _, r := range p.all(contract.TypeFirewallRule) {
			assert.Contains(t, assoc.Dependencies, r.URN, "the association waits for %s", r.URN)
		}
		assert.Equal(t, tc.want, p.one(contract.TypeFirewallConfig, "dns-firewall").Inputs["firewallFailOpen"])

		group := p.one(contract.TypeLogGroup, "dns-firewall-dns-queries")
		assert.Equal(t, "/secure-vpc/test/dns-queries", group.Inputs["name"])
		assert.Equal(t, logsKey, group.Inputs["kmsKeyId"])
		assert.EqualValues(t, 30, group.Inputs["retentionInDays"])
		assert.Equal(t, tc.scope.Protect, group.Protect)
		config := p.one(contract.TypeQueryLogConfig, "dns-firewall")
		assert.Equal(t, group.Outputs["arn"], config.Inputs["destinationArn"])
		delivery := p.one(contract.TypeLogResourcePolicy, "dns-firewall-dns-queries")
		assert.Contains(t, config.Dependencies, delivery.URN, "query logging starts once delivery is allowed")
		assert.Contains(t, delivery.Inputs["policyDocument"], `"Resource":["arn:aws:logs:eu-west-1:123456789012:log-group:/secure-vpc/test/dns-queries:log-stream:*"]`)
		assert.Equal(t, "vpc-0123456789abcdef0", p.one(contract.TypeQueryLogConfigAssociation, "dns-firewall").Inputs["resourceId"])
	}
}

// A destination the loader would refuse, or a retention CloudWatch Logs refuses, fails before
// anything is registered.
func TestDNSFirewallRefusesBadArgs(t *testing.T) {
	for name, edit := range map[string]func(a *network.DNSFirewallArgs){
		"an IP address":   func(a *network.DNSFirewallArgs) { a.Destinations["orders"] = []string{"203.0.113.7"} },
		"a bare wildcard": func(a *network.DNSFirewallArgs) { a.Destinations["orders"] = []string{"*"} },
		"a bad retention": func(a *network.DNSFirewallArgs) { a.LogRetentionDays = 45 },
		"no namespace":    func(a *network.DNSFirewallArgs) { a.Namespace = "" },
		"no logs key":     func(a *network.DNSFirewallArgs) { a.LogsKeyArn = nil },
		"a list name > 64": func(a *network.DNSFirewallArgs) {
			a.Destinations["a-service-name-long-enough-to-overflow-the-limit"] = []string{"x.example"}
		},
	} {
		args := dnsFirewallArgs(testScope, false)
		edit(args)
		_, err := testkit.ComponentErr(func(ctx *pulumi.Context) error {
			_, err := network.NewDNSFirewall(ctx, "dns-firewall", args)
			return err
		})
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), "dns firewall", name)
	}
}
