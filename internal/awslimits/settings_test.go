package awslimits

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
)

func TestSettingFacts(t *testing.T) {
	for name, r := range map[string]Range{"gp3 storage": PostgresGP3StorageGiB, "backup retention": BackupRetentionDays, "WAF rate limit": WAFRateLimit} {
		assert.Less(t, r.Min, r.Max, name)
		assert.True(t, strings.HasPrefix(r.Source, "https://docs.aws.amazon.com/"), "%s cites its AWS page", name)
		assert.True(t, r.Contains(r.Min) && r.Contains(r.Max) && !r.Contains(r.Min-1) && !r.Contains(r.Max+1), name)
	}
	assert.Equal(t, Range{20, 65536, PostgresGP3StorageGiB.Source}, PostgresGP3StorageGiB)
	assert.Equal(t, 35, BackupRetentionDays.Max)
	assert.Equal(t, [2]int{10, 2000000000}, [2]int{WAFRateLimit.Min, WAFRateLimit.Max})

	assert.Equal(t, "256, 512, 1024, 2048, 4096, 8192 or 16384", FargateCPUChoices())

	for host, region := range map[string]string{
		"123456789012.dkr.ecr.eu-west-1.amazonaws.com": "eu-west-1",
		"123456789012.dkr.ecr.us-east-1.amazonaws.com": "us-east-1",
		"public.ecr.aws":                        "",
		"docker.io":                             "",
		"12345.dkr.ecr.eu-west-1.amazonaws.com": "",
	} {
		m := ECRPrivateRegistry.FindStringSubmatch(host)
		if region == "" {
			assert.Nil(t, m, host)
			continue
		}
		if assert.NotNil(t, m, host) {
			assert.Equal(t, region, m[1], host)
		}
	}

	m := ACMCertificateARN.FindStringSubmatch("arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-4000-8000-000000000001")
	if assert.NotNil(t, m) {
		assert.Equal(t, "eu-west-1", m[1])
	}
	for _, arn := range []string{"arn:bogus", "arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/00000000-0000-4000-8000-000000000001", "arn:aws:acm:eu-west-1:1234:certificate/x"} {
		assert.False(t, ACMCertificateARN.MatchString(arn), arn)
	}
}

func TestIAMRoleARN(t *testing.T) {
	for arn, ok := range map[string]bool{
		"arn:aws:iam::123456789012:role/secure-vpc-deploy-dev":                             true,
		"arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_x_1": true,
		"arn:aws:iam::123456789012:user/alice":                                             false,
		"arn:aws:iam::12345678901:role/short-account":                                      false,
		"arn:aws-cn:iam::123456789012:role/other-partition":                                false,
		"arn:aws:iam::123456789012:role/":                                                  false,
		"arn:aws:iam::123456789012:role/has space":                                         false,
	} {
		assert.Equal(t, ok, IAMRoleARN.MatchString(arn), arn)
	}
}

func TestEgressNameProblem(t *testing.T) {
	for name, want := range map[string]string{
		"api.payments.example":            "",
		"*.stripe.com":                    "",
		"example.com.":                    "",
		"*":                               "names nothing",
		"":                                "names nothing",
		"*.com":                           "wildcards a whole top-level domain",
		"api.*.example.com":               "not its whole first label",
		"a*.example.com":                  "not its whole first label",
		"10.0.0.1":                        "is an IP address",
		"2001:db8::1":                     "is an IP address",
		"localhost":                       "single label",
		"API.example.com":                 "the label API",
		"-x.example.com":                  "the label -x",
		strings.Repeat("a.", 127) + "com": "longer than the 253 characters",
	} {
		got := EgressNameProblem(name)
		if want == "" {
			assert.Empty(t, got, name)
		} else {
			assert.Contains(t, got, want, name)
		}
	}
}

func TestResolverNames(t *testing.T) {
	for name, ok := range map[string]bool{
		"secure-vpc-dev-dns-firewall": true, "with_underscore and space": true, "1234": false, "": false,
		"dots.are.refused": false, strings.Repeat("a", 64): true, strings.Repeat("a", 65): false,
	} {
		assert.Equal(t, ok, ResolverNameProblem(name) == "", "%q", name)
	}
	assert.Less(t, FirewallAssociationPriority.Min, FirewallAssociationPriority.Max)
}

func TestCheckRefusesWhatRoute53ResolverRefuses(t *testing.T) {
	res := func(typ string, in map[string]any) stackstate.Resource {
		return stackstate.Resource{URN: "urn:x::" + typ, Type: typ, Inputs: in}
	}
	bad := Check([]stackstate.Resource{
		res(contract.TypeFirewallRule, map[string]any{"name": "ok-rule", "action": "DROP", "priority": 0.0}),
		res(contract.TypeFirewallRuleGroupAssoc, map[string]any{"name": "ok-assoc", "priority": 99.0}),
		res(contract.TypeFirewallDomainList, map[string]any{"name": "a.list", "domains": []any{"*", "api.example.com", "10.0.0.1"}}),
	})
	assert.Len(t, bad, 5, "%v", bad)
	for _, want := range []string{`action "DROP"`, "positive integer", "priority must be 100-9900", `"a.list" is not 1-64`, `domain "10.0.0.1" is an IP address`} {
		assert.True(t, slices.ContainsFunc(bad, func(b string) bool { return strings.Contains(b, want) }), want)
	}
	assert.Empty(t, Check([]stackstate.Resource{res(contract.TypeFirewallRule, map[string]any{"name": "r", "action": "BLOCK", "priority": 10000.0})}))
}
