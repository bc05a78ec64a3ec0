package stack

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/secure-vpc/secure-vpc/internal/contract"
)

var dev = Scope{Project: "secure-vpc", Stack: "dev", Region: "eu-west-1", AccountID: "123456789012"}

func TestNames(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{dev.Path(), "secure-vpc/dev"},
		{dev.Describe("the users database"), "secure-vpc/dev: the users database"},
		{dev.Prefix(), "secure-vpc-dev"},
		{dev.Name("vpc"), "secure-vpc-dev-vpc"},
		{dev.LogGroup("vpc-flow-logs"), "/secure-vpc/dev/vpc-flow-logs"},
		{dev.LogGroup("services", "users"), "/secure-vpc/dev/services/users"},
		{dev.ServiceLogGroup("users"), "/secure-vpc/dev/services/users"},
		{dev.EdgeHost("web-bff", "example.com"), "web-bff.example.com"},
		{dev.EdgeHost("web-bff", ""), "web-bff.dev.secure-vpc.test"},
		{dev.WAFLogGroup("web-bff"), "aws-waf-logs-secure-vpc-dev-web-bff"},
		{dev.KeyAlias(contract.LogsDomain), "alias/secure-vpc/dev/logs"},
		{dev.LogGroupArn("/secure-vpc/dev/*"), "arn:aws:logs:eu-west-1:123456789012:log-group:/secure-vpc/dev/*"},
		{dev.SecretPrefix(contract.TLSSecret, "users"), "secure-vpc/dev/tls/users-"},
	} {
		assert.Equal(t, tc.want, tc.got)
	}
}

func TestLogGroupPatterns(t *testing.T) {
	assert.Equal(t, []string{"/secure-vpc/dev/*", "aws-waf-logs-secure-vpc-dev-*"}, dev.LogGroupPatterns())
	assert.Equal(t, []string{"/secure-vpc/dev/*", "aws-waf-logs-secure-vpc-dev-*", "/aws/rds/instance/users-db-dev/*"}, dev.LogGroupPatterns("users-db-dev"))
	for _, name := range []string{dev.ServiceLogGroup("users"), dev.LogGroup("vpc-flow-logs"), dev.WAFLogGroup("web-bff")} {
		assert.True(t, slices.ContainsFunc(dev.LogGroupPatterns(), func(p string) bool { return strings.HasPrefix(name, strings.TrimSuffix(p, "*")) }), name)
	}
}

func TestTags(t *testing.T) {
	extra := map[string]string{contract.TierTag: string(contract.Private)}
	assert.Equal(t, map[string]string{contract.NameTag: "secure-vpc-dev-private-a", contract.TierTag: "private"}, dev.Tags("private-a", extra))
	assert.Len(t, extra, 1, "the extra tags are not modified")
	assert.Equal(t, map[string]string{contract.NameTag: "secure-vpc-dev-igw"}, dev.Tags("igw", nil))
}

func TestCheck(t *testing.T) {
	assert.NoError(t, dev.Check())
	for name, mutate := range map[string]func(*Scope){
		"no project":        func(s *Scope) { s.Project = "" },
		"no stack":          func(s *Scope) { s.Stack = "" },
		"no region":         func(s *Scope) { s.Region = "" },
		"short account":     func(s *Scope) { s.AccountID = "1234" },
		"non-digit account": func(s *Scope) { s.AccountID = "12345678901x" },
	} {
		bad := dev
		mutate(&bad)
		assert.Error(t, bad.Check(), name)
	}
}
