package platform

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
)

// validSource is a complete, valid dev config; each test case breaks one rule of it.
func validSource() Source {
	return Source{
		Stack: "dev",
		Values: map[string]string{
			"aws:region":              "eu-west-1",
			"secure-vpc:environment":  "dev",
			"secure-vpc:network":      `{"cidr":"10.20.0.0/16","availabilityZones":["eu-west-1a","eu-west-1b"],"natGateways":"single"}`,
			"secure-vpc:services":     `{"web-bff":{"public":true,"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/web-bff:1.0.0","calls":["users","orders"]},"mobile-bff":{"public":true,"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/mobile-bff:1.0.0","calls":["users"]},"users":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/users:1.0.0"},"orders":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders@sha256:` + strings.Repeat("ab", 32) + `","calls":["users"]}}`,
			"secure-vpc:databases":    `{"users-db":{"engine":"postgres","version":"16","owner":"users","instanceClass":"db.t4g.micro"}}`,
			"secure-vpc:buckets":      `{"user-uploads":{"writers":["users"],"readers":["web-bff"]}}`,
			"secure-vpc:caches":       `{"sessions":{"users":["web-bff","mobile-bff"]}}`,
			"secure-vpc:secrets":      `{"payments-api-key":{"readers":["orders"]}}`,
			"secure-vpc:secretValues": `{"payments-api-key":"test-value-not-a-real-key"}`,
			"secure-vpc:edge":         `{}`,
			"secure-vpc:deploy":       `{"roleArns":["arn:aws:iam::123456789012:role/secure-vpc-deploy-dev"]}`,
		},
		Secret: map[string]bool{"secure-vpc:secretValues": true},
	}
}

func TestLoadValidConfig(t *testing.T) {
	t.Parallel()
	spec, err := Load(validSource())
	require.NoError(t, err)
	assert.Equal(t, Dev, spec.Environment)
	assert.Equal(t, "10.20.0.0/16", spec.Network.CIDR.String())
	assert.Equal(t, NATSingle, spec.Network.NATGateways)
	assert.Equal(t, 30, spec.Network.FlowLogRetentionDays, "dev default retention")
	assert.False(t, spec.Protect, "dev does not protect")
	assert.True(t, spec.Services["web-bff"].Public)
	assert.Equal(t, []string{"users", "orders"}, spec.Services["web-bff"].Calls)
	assert.Equal(t, "users", spec.Databases["users-db"].Owner)
	assert.Equal(t, 5432, spec.Databases["users-db"].Port)
	assert.Equal(t, Valkey, spec.Caches["sessions"].Engine)
	assert.True(t, spec.Secrets["payments-api-key"].HasValue)
	assert.Equal(t, []int{5432, 6379}, spec.DataPorts())
	assert.Equal(t, []int{1}, spec.IdentityKeyGenerations, "one identity key generation by default")

	rotating := validSource()
	rotating.Values["secure-vpc:edge"] = `{"identityKeyGenerations":[2,1]}`
	spec, err = Load(rotating)
	require.NoError(t, err, "a rotation's two generations are accepted")
	assert.Equal(t, []int{2, 1}, spec.IdentityKeyGenerations)
}

func TestEnvironmentDefaults(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		env       Environment
		nat       NATStrategy
		retention int
		protect   bool
		multiAZ   bool
	}{
		{Dev, NATSingle, 30, false, false},
		{Staging, NATSingle, 90, true, true},
		{Prod, NATPerAZ, 365, true, true},
	} {
		t.Run(string(tc.env), func(t *testing.T) {
			src := validSource()
			src.Values["secure-vpc:environment"] = string(tc.env)
			src.Values["secure-vpc:network"] = `{"cidr":"10.20.0.0/16","availabilityZones":["eu-west-1a","eu-west-1b"]}`
			src.Values["secure-vpc:edge"] = `{"certificateArn":"arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-4000-8000-000000000001"}`
			ownImages(&src)
			spec, err := Load(src)
			require.NoError(t, err)
			assert.Equal(t, tc.nat, spec.Network.NATGateways)
			assert.Equal(t, tc.retention, spec.Network.FlowLogRetentionDays)
			assert.Equal(t, tc.protect, spec.Protect)
			assert.Equal(t, tc.multiAZ, spec.Databases["users-db"].MultiAZ)
		})
	}
}

// Every rule of the loader, each with a config that breaks it, the key the error must name and
// words of the fix it must give.
func TestLoadRejectsEachRule(t *testing.T) {
	t.Parallel()
	set := func(key, value string) func(*Source) {
		return func(s *Source) { s.Values[key] = value }
	}
	svc := func(extra string) string {
		return `{"web-bff":{"public":true,"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/web-bff:1.0.0"},"users":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/users:1.0.0"` + extra + `}}`
	}
	net := func(body string) func(*Source) { return set("secure-vpc:network", body) }
	cases := []struct {
		name    string
		mutate  func(*Source)
		wantKey string
		wantMsg string
	}{
		{"unknown top-level key", set("secure-vpc:netwrok", `{}`), "secure-vpc:netwrok", "did you mean secure-vpc:network"},
		{"unknown nested key", net(`{"cidr":"10.20.0.0/16","availabilityZone":["eu-west-1a","eu-west-1b"]}`), "secure-vpc:network.availabilityZone", `did you mean "availabilityZones"`},
		{"unknown service key", set("secure-vpc:services", svc(`,"prot":1`)), "secure-vpc:services.users.prot", "unknown key"},
		{"wrong value type", set("secure-vpc:services", svc(`,"calls":"web-bff"`)), "secure-vpc:services.users.calls", "expected a list of strings"},
		{"missing environment", func(s *Source) { delete(s.Values, "secure-vpc:environment") }, "secure-vpc:environment", "dev, staging or prod"},
		{"bad environment", set("secure-vpc:environment", "production"), "secure-vpc:environment", "use dev, staging or prod"},
		{"missing region", func(s *Source) { delete(s.Values, "aws:region") }, "aws:region", "pulumi config set aws:region"},
		{"missing network", func(s *Source) { delete(s.Values, "secure-vpc:network") }, "secure-vpc:network", "required"},
		{"missing cidr", net(`{"availabilityZones":["eu-west-1a","eu-west-1b"]}`), "secure-vpc:network.cidr", "required"},
		{"unparsable cidr", net(`{"cidr":"10.20.0.0","availabilityZones":["eu-west-1a","eu-west-1b"]}`), "secure-vpc:network.cidr", "not an IPv4 CIDR"},
		{"host bits set", net(`{"cidr":"10.20.1.0/16","availabilityZones":["eu-west-1a","eu-west-1b"]}`), "secure-vpc:network.cidr", "use the network address 10.20.0.0/16"},
		{"public cidr", net(`{"cidr":"8.8.0.0/16","availabilityZones":["eu-west-1a","eu-west-1b"]}`), "secure-vpc:network.cidr", "not a private range"},
		{"cidr too large", net(`{"cidr":"10.0.0.0/8","availabilityZones":["eu-west-1a","eu-west-1b"]}`), "secure-vpc:network.cidr", "larger than AWS allows"},
		{"cidr too small", net(`{"cidr":"10.20.0.0/24","availabilityZones":["eu-west-1a","eu-west-1b"]}`), "secure-vpc:network.cidr", "too small for 3 tiers"},
		{"overlapping connected cidr", net(`{"cidr":"10.20.0.0/16","availabilityZones":["eu-west-1a","eu-west-1b"],"connectedCidrs":["10.20.128.0/17"]}`), "secure-vpc:network.connectedCidrs[0]", "overlaps the VPC CIDR"},
		{"one AZ", net(`{"cidr":"10.20.0.0/16","availabilityZones":["eu-west-1a"]}`), "secure-vpc:network.availabilityZones", "list 2 or 3 distinct zones"},
		{"four AZs", func(s *Source) {
			s.Values["aws:region"] = "us-west-2"
			s.Values["secure-vpc:services"] = strings.ReplaceAll(s.Values["secure-vpc:services"], ".eu-west-1.", ".us-west-2.")
			s.Values["secure-vpc:network"] = `{"cidr":"10.20.0.0/16","availabilityZones":["us-west-2a","us-west-2b","us-west-2c","us-west-2d"]}`
		}, "secure-vpc:network.availabilityZones", "list 2 or 3"},
		{"duplicate AZ", net(`{"cidr":"10.20.0.0/16","availabilityZones":["eu-west-1a","eu-west-1a"]}`), "secure-vpc:network.availabilityZones", "listed twice"},
		{"AZ of another region", net(`{"cidr":"10.20.0.0/16","availabilityZones":["eu-west-1a","us-east-1b"]}`), "secure-vpc:network.availabilityZones", "not an availability zone of eu-west-1"},
		{"bad NAT strategy", net(`{"cidr":"10.20.0.0/16","availabilityZones":["eu-west-1a","eu-west-1b"],"natGateways":"double"}`), "secure-vpc:network.natGateways", "none, single or perAz"},
		{"bad retention", net(`{"cidr":"10.20.0.0/16","availabilityZones":["eu-west-1a","eu-west-1b"],"flowLogRetentionDays":45}`), "secure-vpc:network.flowLogRetentionDays", "use one of"},
		{"unknown service in calls", set("secure-vpc:services", `{"web-bff":{"public":true,"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/web-bff:1.0.0","calls":["user"]},"users":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/users:1.0.0"}}`), "secure-vpc:services.web-bff.calls", `unknown service "user"`},
		{"calling a BFF", set("secure-vpc:services", svc(`,"calls":["web-bff"]`)), "secure-vpc:services.users.calls", "nobody calls them"},
		{"calling itself", set("secure-vpc:services", svc(`,"calls":["users"]`)), "secure-vpc:services.users.calls", "calls itself"},
		{"port out of range", set("secure-vpc:services", svc(`,"port":70000`)), "secure-vpc:services.users.port", "out of range"},
		{"missing port", set("secure-vpc:services", `{"users":{"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/users:1.0.0"}}`), "secure-vpc:services.users.port", "required"},
		{"latest image", set("secure-vpc:services", `{"users":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/users:latest"}}`), "secure-vpc:services.users.image", "mutable tag latest"},
		{"untagged image", set("secure-vpc:services", `{"users":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/users"}}`), "secure-vpc:services.users.image", "tag or digest"},
		{"bad Fargate size", set("secure-vpc:services", svc(`,"cpu":256,"memory":4096`)), "secure-vpc:services.users.memory", "not a Fargate task size"},
		{"name not a DNS label", set("secure-vpc:services", `{"Users_Svc":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/users:1.0.0"}}`), "secure-vpc:services.Users_Svc", "lowercase letters"},
		{"name too long for the ALB", set("secure-vpc:services", `{"a-very-long-service-name":{"public":true,"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/x:1.0.0"}}`), "secure-vpc:services.a-very-long-service-name", "load balancer name"},
		{"no services", set("secure-vpc:services", `{}`), "secure-vpc:services", "declare at least one"},
		{"database with two owners", set("secure-vpc:databases", `{"users-db":{"engine":"postgres","version":"16","owner":["users","orders"],"instanceClass":"db.t4g.micro"}}`), "secure-vpc:databases.users-db.owner", "exactly one owner"},
		{"database without owner", set("secure-vpc:databases", `{"users-db":{"engine":"postgres","version":"16","instanceClass":"db.t4g.micro"}}`), "secure-vpc:databases.users-db.owner", "required"},
		{"database owned by unknown service", set("secure-vpc:databases", `{"users-db":{"engine":"postgres","version":"16","owner":"user","instanceClass":"db.t4g.micro"}}`), "secure-vpc:databases.users-db.owner", `did you mean "users"`},
		{"database engine", set("secure-vpc:databases", `{"users-db":{"engine":"mysql","version":"16","owner":"users","instanceClass":"db.t4g.micro"}}`), "secure-vpc:databases.users-db.engine", "use postgres"},
		{"database version", set("secure-vpc:databases", `{"users-db":{"engine":"postgres","version":"16.3","owner":"users","instanceClass":"db.t4g.micro"}}`), "secure-vpc:databases.users-db.version", "major only"},
		{"retired instance class", set("secure-vpc:databases", `{"users-db":{"engine":"postgres","version":"16","owner":"users","instanceClass":"db.t2.micro"}}`), "secure-vpc:databases.users-db.instanceClass", "deprecated (previous generation)"},
		{"database port", set("secure-vpc:databases", `{"users-db":{"engine":"postgres","version":"16","owner":"users","instanceClass":"db.t4g.micro","port":80}}`), "secure-vpc:databases.users-db.port", "use 1150-65535"},
		{"bucket reader unknown", set("secure-vpc:buckets", `{"user-uploads":{"readers":["web"]}}`), "secure-vpc:buckets.user-uploads.readers", `unknown service "web"`},
		{"bucket without users", set("secure-vpc:buckets", `{"user-uploads":{}}`), "secure-vpc:buckets.user-uploads", "no readers or writers"},
		{"cache user unknown", set("secure-vpc:caches", `{"sessions":{"users":["api"]}}`), "secure-vpc:caches.sessions.users", `unknown service "api"`},
		{"cache engine", set("secure-vpc:caches", `{"sessions":{"users":["web-bff"],"engine":"memcached"}}`), "secure-vpc:caches.sessions.engine", "valkey or redis"},
		{"secret reader unknown", set("secure-vpc:secrets", `{"payments-api-key":{"readers":["payments"]}}`), "secure-vpc:secrets.payments-api-key.readers", `unknown service "payments"`},
		{"secret value in plaintext", func(s *Source) { s.Secret["secure-vpc:secretValues"] = false }, "secure-vpc:secretValues.payments-api-key", "stored in plaintext"},
		{"secret value not set", set("secure-vpc:secretValues", `{}`), "secure-vpc:secretValues.payments-api-key", "pulumi config set --secret --path 'secretValues.payments-api-key'"},
		{"value for undeclared secret", set("secure-vpc:secretValues", `{"payments-api-key":"x","stripe":"y"}`), "secure-vpc:secretValues.stripe", "no secret \"stripe\" is declared"},
		{"name used twice", set("secure-vpc:buckets", `{"users":{"readers":["users"]}}`), "secure-vpc:buckets.users", "already used under secure-vpc:services"},
		{"bad certificate ARN", set("secure-vpc:edge", `{"certificateArn":"arn:aws:iam::123456789012:server-certificate/x"}`), "secure-vpc:edge.certificateArn", "not an ACM certificate ARN"},
		{"certificate of another region", set("secure-vpc:edge", `{"certificateArn":"arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-4000-8000-000000000001"}`), "secure-vpc:edge.certificateArn", "its own region"},
		{"prod without certificate", set("secure-vpc:environment", "prod"), "secure-vpc:edge.certificateArn", "required in prod"},
		{"no deploying role", func(s *Source) { delete(s.Values, "secure-vpc:deploy") }, "secure-vpc:deploy.roleArns", "required; name the IAM role(s) that run pulumi up"},
		{"deploying roles empty", set("secure-vpc:deploy", `{"roleArns":[]}`), "secure-vpc:deploy.roleArns", "required"},
		{"deploying identity a user", set("secure-vpc:deploy", `{"roleArns":["arn:aws:iam::123456789012:user/ci"]}`), "secure-vpc:deploy.roleArns", "not an IAM role ARN"},
		{"deploying identity a session", set("secure-vpc:deploy", `{"roleArns":["arn:aws:sts::123456789012:assumed-role/ci/run-1"]}`), "secure-vpc:deploy.roleArns", "not a user or an assumed-role session"},
		{"deploy with a typo", set("secure-vpc:deploy", `{"roleArn":"arn:aws:iam::123456789012:role/ci"}`), "secure-vpc:deploy.roleArn", `did you mean "roleArns"?`},
		{"rate limit", set("secure-vpc:edge", `{"rateLimit":5}`), "secure-vpc:edge.rateLimit", "out of range"},
		{"no identity key generation", set("secure-vpc:edge", `{"identityKeyGenerations":[]}`), "secure-vpc:edge.identityKeyGenerations", "is empty; list the key generations that exist, e.g. [1]"},
		{"identity key generation twice", set("secure-vpc:edge", `{"identityKeyGenerations":[2,2]}`), "secure-vpc:edge.identityKeyGenerations", "lists generation 2 twice; list each once"},
		{"identity key generation not positive", set("secure-vpc:edge", `{"identityKeyGenerations":[0,1]}`), "secure-vpc:edge.identityKeyGenerations", "0 is not a positive number; number generations from 1"},
		{"internetEgress true", set("secure-vpc:services", `{"web-bff":{"public":true,"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/web-bff:1.0.0","internetEgress":true}}`), "secure-vpc:services.web-bff.internetEgress", "is replaced by egress: declare the host names the service calls"},
		{"egress to everything", set("secure-vpc:services", `{"web-bff":{"public":true,"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/web-bff:1.0.0","egress":["*"]}}`), "secure-vpc:services.web-bff.egress", `"*" names nothing`},
		{"egress wildcard inside", set("secure-vpc:services", `{"web-bff":{"public":true,"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/web-bff:1.0.0","egress":["api.*.example.com"]}}`), "secure-vpc:services.web-bff.egress", "a wildcard that is not its whole first label"},
		{"egress to an address", set("secure-vpc:services", `{"web-bff":{"public":true,"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/web-bff:1.0.0","egress":["203.0.113.7"]}}`), "secure-vpc:services.web-bff.egress", "is an IP address"},
		{"signing generation not listed", set("secure-vpc:edge", `{"identityKeyGenerations":[1,2],"identitySigningGeneration":3}`), "secure-vpc:edge.identitySigningGeneration", "3 is not one of the key generations [1 2]; name one of them, or leave it out for the highest"},
		{"signing generation without generations", set("secure-vpc:edge", `{"identitySigningGeneration":2}`), "secure-vpc:edge.identitySigningGeneration", "2 is not one of the key generations [1]"},
		{"three identity key generations", set("secure-vpc:edge", `{"identityKeyGenerations":[1,2,3]}`), "secure-vpc:edge.identityKeyGenerations", "lists 3 generations; at most 2 exist at once (the signing one and the one it replaces): drop the oldest"},
		{"stack name not lowercase", func(s *Source) { s.Stack = "Dev_Alice" }, "stack Dev_Alice", "lowercase letters"},
		{"cache name too long for its group id", set("secure-vpc:caches", `{"a-really-quite-long-cache-name-for-tests":{"users":["web-bff"]}}`), "secure-vpc:caches.a-really-quite-long-cache-name-for-tests", "replication group id"},
		{"network not a mapping", net(`["10.20.0.0/16"]`), "secure-vpc:network", "must be a mapping"},
		{"fail-open DNS Firewall in prod", func(s *Source) {
			s.Values["secure-vpc:environment"] = "prod"
			s.Values["secure-vpc:network"] = `{"cidr":"10.20.0.0/16","availabilityZones":["eu-west-1a","eu-west-1b"],"dnsFirewallFailOpen":true}`
		}, "secure-vpc:network.dnsFirewallFailOpen", "true is refused in prod: a fail-open DNS Firewall lets every query through"},
		{"fail-open DNS Firewall in staging", func(s *Source) {
			s.Values["secure-vpc:environment"] = "staging"
			s.Values["secure-vpc:network"] = `{"cidr":"10.20.0.0/16","availabilityZones":["eu-west-1a","eu-west-1b"],"dnsFirewallFailOpen":true}`
		}, "secure-vpc:network.dnsFirewallFailOpen", "true is refused in staging: a fail-open DNS Firewall lets every query through"},
		{"fail-open DNS Firewall not a flag", net(`{"cidr":"10.20.0.0/16","availabilityZones":["eu-west-1a","eu-west-1b"],"dnsFirewallFailOpen":"yes"}`), "secure-vpc:network.dnsFirewallFailOpen", "true or false"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := validSource()
			tc.mutate(&src)
			_, err := Load(src)
			var cfgErr *ConfigError
			require.True(t, errors.As(err, &cfgErr), "want a *ConfigError, got %v", err)
			var matched []Problem
			for _, p := range cfgErr.Problems {
				if p.Key == tc.wantKey {
					matched = append(matched, p)
				}
			}
			require.NotEmpty(t, matched, "no problem names %s; got:\n%s", tc.wantKey, err)
			assert.Contains(t, matched[0].Message, tc.wantMsg)
			for _, p := range cfgErr.Problems {
				assert.NotContains(t, p.String(), "\n", "each problem is one line")
			}
		})
	}
}

func TestLoadReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	src := validSource()
	src.Values["secure-vpc:netwrok"] = "{}"
	src.Values["secure-vpc:environment"] = "qa"
	_, err := Load(src)
	var cfgErr *ConfigError
	require.True(t, errors.As(err, &cfgErr))
	assert.Len(t, cfgErr.Problems, 2)
	assert.Equal(t, 2, strings.Count(err.Error(), "\n")+1)
}

// A value of the wrong type is the root cause: it says what it got, and the problems that only
// follow from it (a required sub-key now missing, an empty list) are not reported; problems
// elsewhere still are.
func TestLoadReportsTheRootCauseOnly(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, key, value string
		want             []string // every problem, in order
	}{
		{"a scalar where a mapping belongs", "secure-vpc:network", "default",
			[]string{`secure-vpc:network: must be a mapping of keys to values, got the string "default"`}},
		{"a string where a list belongs", "secure-vpc:network", `{"cidr":"10.20.0.0/16","availabilityZones":"default"}`,
			[]string{`secure-vpc:network.availabilityZones: expected a list of strings, got the string "default"`}},
		{"a number where a mapping belongs", "secure-vpc:network", "42",
			[]string{`secure-vpc:network: must be a mapping of keys to values, got the number 42`}},
	}
	for _, tc := range cases {
		src := validSource()
		src.Values[tc.key] = tc.value
		src.Values["secure-vpc:environment"] = "qa" // an independent problem, still reported
		_, err := Load(src)
		var cfgErr *ConfigError
		require.True(t, errors.As(err, &cfgErr), tc.name)
		var got []string
		for _, p := range cfgErr.Problems {
			got = append(got, p.String())
		}
		want := append([]string{`secure-vpc:environment: "qa" is not an environment; use dev, staging or prod`}, tc.want...)
		sort.Strings(want)
		assert.Equal(t, want, got, tc.name)
	}
}

func TestLoadRejectsSecurityGroupQuota(t *testing.T) {
	t.Parallel()
	src := validSource()
	var b strings.Builder
	b.WriteString(`{"hub":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/hub:1.0.0"}`)
	for i := 0; i < 61; i++ {
		fmt.Fprintf(&b, `,"caller-%02d":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/c:1.0.0","calls":["hub"]}`, i)
	}
	b.WriteString("}")
	src.Values["secure-vpc:services"] = b.String()
	src.Values["secure-vpc:databases"] = "{}"
	src.Values["secure-vpc:buckets"] = "{}"
	src.Values["secure-vpc:caches"] = "{}"
	src.Values["secure-vpc:secrets"] = "{}"
	src.Values["secure-vpc:secretValues"] = "{}"
	_, err := Load(src)
	var cfgErr *ConfigError
	require.True(t, errors.As(err, &cfgErr), "%v", err)
	require.Len(t, cfgErr.Problems, 1)
	assert.Equal(t, "secure-vpc:services.hub", cfgErr.Problems[0].Key)
	assert.Contains(t, cfgErr.Problems[0].Message, "61 inbound rules and AWS allows 60")

	// 60 callers fit.
	src.Values["secure-vpc:services"] = strings.Replace(b.String(), `,"caller-60":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/c:1.0.0","calls":["hub"]}`, "", 1)
	_, err = Load(src)
	assert.NoError(t, err)
}

// Each kind of thing AWS (or the engines, or the platform's own runtime) would refuse, or that
// would deploy and then not work, with the config that triggers it, the key the error must name
// and words of the fix; and for each kind a neighbour AWS accepts.
func TestLoadRefusesWhatAWSRefuses(t *testing.T) {
	t.Parallel()
	set := func(key, value string) func(*Source) {
		return func(s *Source) { s.Values[key] = value }
	}
	region := func(name string, azs ...string) func(*Source) {
		return func(s *Source) {
			s.Values["aws:region"] = name
			s.Values["secure-vpc:services"] = strings.ReplaceAll(s.Values["secure-vpc:services"], ".eu-west-1.", "."+name+".") // images from the region's ECR
			z, _ := json.Marshal(azs)
			s.Values["secure-vpc:network"] = `{"cidr":"10.20.0.0/16","availabilityZones":` + string(z) + `}`
		}
	}
	db := func(fields string) func(*Source) {
		return set("secure-vpc:databases", `{"users-db":{"engine":"postgres","owner":"users",`+fields+`}}`)
	}
	both := func(a, b func(*Source)) func(*Source) { return func(s *Source) { a(s); b(s) } }
	services := func(extra string) func(*Source) {
		return set("secure-vpc:services", `{"web-bff":{"public":true,"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/web-bff:1.0.0","calls":["users","orders"]},"mobile-bff":{"public":true,"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/mobile-bff:1.0.0","calls":["users"]},"orders":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:1.0.0","calls":["users"]},`+extra+`}`)
	}
	cases := []struct {
		kind, name string
		mutate     func(*Source)
		wantKey    string // "" = accepted
		wantMsg    string
	}{
		{"region", "not a region", region("xx-fake-1", "xx-fake-1a", "xx-fake-1b"), "aws:region", "not an AWS region"},
		{"region", "typo of a region", region("eu-west-9", "eu-west-9a", "eu-west-9b"), "aws:region", "did you mean eu-west-"},
		{"region", "GovCloud", region("us-gov-west-1", "us-gov-west-1a", "us-gov-west-1b"), "aws:region", "aws-us-gov partition"},
		{"region", "China", region("cn-north-1", "cn-north-1a", "cn-north-1b"), "aws:region", "aws-cn partition"},
		{"region", "European Sovereign Cloud", region("eusc-de-east-1", "eusc-de-east-1a", "eusc-de-east-1b"), "aws:region", "aws-eusc partition"},
		{"region", "a region opened in 2025", region("mx-central-1", "mx-central-1a", "mx-central-1b"), "", ""},
		{"zone", "no such zone", region("eu-west-1", "eu-west-1a", "eu-west-1z"), "secure-vpc:network.availabilityZones", "its zones are eu-west-1a, eu-west-1b, eu-west-1c"},
		{"zone", "a fourth zone where there are three", region("eu-west-1", "eu-west-1a", "eu-west-1d"), "secure-vpc:network.availabilityZones", "not an availability zone of eu-west-1"},
		{"zone", "us-east-1f exists", region("us-east-1", "us-east-1a", "us-east-1f"), "", ""},
		{"instance class", "not a class", db(`"version":"16","instanceClass":"db.x99.mega"`), "secure-vpc:databases.users-db.instanceClass", "not an RDS for PostgreSQL instance class"},
		{"instance class", "no such size", db(`"version":"16","instanceClass":"db.t4g.mega"`), "secure-vpc:databases.users-db.instanceClass", "has no size mega"},
		{"instance class", "Multi-AZ DB clusters only", db(`"version":"16","instanceClass":"db.c6gd.large"`), "secure-vpc:databases.users-db.instanceClass", "Multi-AZ DB clusters only"},
		{"instance class", "current class", db(`"version":"16","instanceClass":"db.r8g.large"`), "", ""},
		{"PostgreSQL major", "past standard support", db(`"version":"13","instanceClass":"db.t4g.micro"`), "secure-vpc:databases.users-db.version", "extendedSupport: true"},
		{"PostgreSQL major", "past standard support, opted in", db(`"version":"13","extendedSupport":true,"instanceClass":"db.t4g.micro"`), "", ""},
		{"PostgreSQL major", "in Extended Support only", db(`"version":"12","instanceClass":"db.t3.micro"`), "secure-vpc:databases.users-db.version", "left RDS standard support on 2025-02-28"},
		{"PostgreSQL major", "too old for the TLS floor", db(`"version":"11","extendedSupport":true,"instanceClass":"db.t3.micro"`), "secure-vpc:databases.users-db.version", "lacks ssl_min_protocol_version"},
		{"PostgreSQL major", "unknown major", db(`"version":"19","instanceClass":"db.t4g.micro"`), "secure-vpc:databases.users-db.version", "use one of 14, 15, 16, 17, 18"},
		{"PostgreSQL major", "the newest major", db(`"version":"18","instanceClass":"db.t4g.micro"`), "", ""},
		{"storage", "autoscaling ceiling too close", db(`"version":"16","instanceClass":"db.t4g.micro","allocatedStorage":100,"maxAllocatedStorage":105`), "secure-vpc:databases.users-db.maxAllocatedStorage", "use 110 to 65536"},
		{"storage", "default ceiling follows allocated storage", db(`"version":"16","instanceClass":"db.t4g.micro","allocatedStorage":200`), "", ""},
		{"reserved name", "database named user", set("secure-vpc:databases", `{"user":{"engine":"postgres","version":"16","owner":"users","instanceClass":"db.t4g.micro"}}`), "secure-vpc:databases.user", "user is a PostgreSQL reserved word"},
		{"reserved name", "database named template1", set("secure-vpc:databases", `{"template1":{"engine":"postgres","version":"16","owner":"users","instanceClass":"db.t4g.micro"}}`), "secure-vpc:databases.template1", "template1"},
		{"reserved name", "owner whose role is reserved", func(s *Source) {
			services(`"pg-admin":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/x:1.0.0"},"users":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/users:1.0.0"}`)(s)
			s.Values["secure-vpc:databases"] = `{"users-db":{"engine":"postgres","version":"16","owner":"pg-admin","instanceClass":"db.t4g.micro"}}`
		}, "secure-vpc:databases.users-db.owner", "database role pg_admin"},
		{"reserved name", "BFF named internal-...", set("secure-vpc:services", `{"internal-web":{"public":true,"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/w:1.0.0","calls":["users"]},"users":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/users:1.0.0"}}`), "secure-vpc:services.internal-web", `begin with "internal-"`},
		{"reserved name", "private service named internal-... has no load balancer", services(`"users":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/users:1.0.0"},"internal-api":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/i:1.0.0"}`), "", ""},
		{"reserved name", "bucket whose name S3 reserves", set("secure-vpc:buckets", `{"sthree-uploads":{"writers":["users"]}}`), "secure-vpc:buckets.sthree-uploads", "begins with sthree-"},
		{"task port", "privileged port", services(`"users":{"port":443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/users:1.0.0"}`), "secure-vpc:services.users.port", "cannot bind a port below 1024"},
		{"task port", "HTTP port", services(`"users":{"port":80,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/users:1.0.0"}`), "secure-vpc:services.users.port", "use 1024-65535"},
		{"task port", "first unprivileged port", services(`"users":{"port":1024,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/users:1.0.0"}`), "", ""},
		{"node type", "T2 cache", set("secure-vpc:caches", `{"sessions":{"users":["web-bff"],"nodeType":"cache.t2.micro"}}`), "secure-vpc:caches.sessions.nodeType", "no longer offered"},
		{"node type", "data tiering", set("secure-vpc:caches", `{"sessions":{"users":["web-bff"],"nodeType":"cache.r6gd.xlarge"}}`), "secure-vpc:caches.sessions.nodeType", "data tiering"},
		{"node type", "not a node type", set("secure-vpc:caches", `{"sessions":{"users":["web-bff"],"nodeType":"cache.x1.huge"}}`), "secure-vpc:caches.sessions.nodeType", "cache.x1"},
		{"node type", "current type", set("secure-vpc:caches", `{"sessions":{"users":["web-bff"],"nodeType":"cache.r7g.large"}}`), "", ""},
		{"task contract", "a callee and a bucket give one variable name", func(s *Source) {
			services(`"users":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/users:1.0.0"},"bucket-x":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/x:1.0.0"}`)(s)
			s.Values["secure-vpc:services"] = strings.Replace(s.Values["secure-vpc:services"], `"calls":["users"]}`, `"calls":["users","bucket-x"]}`, 1)
			s.Values["secure-vpc:buckets"] = `{"x-url":{"readers":["mobile-bff"]}}` // mobile-bff now also calls bucket-x
		}, "secure-vpc:services.mobile-bff", "two variables named BUCKET_X_URL"},
		{"reserved name", "owner named after the master user", func(s *Source) {
			services(`"users":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/users:1.0.0"},"dbadmin":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/x:1.0.0"}`)(s)
			s.Values["secure-vpc:databases"] = `{"users-db":{"engine":"postgres","version":"16","owner":"dbadmin","instanceClass":"db.t4g.micro"}}`
		}, "secure-vpc:databases.users-db.owner", "the database's master user"},
		{"derived names", "two firewall rules of one name", set("secure-vpc:services", `{"a":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/a:1.0.0","calls":["b-to-svc-c"]},`+
			`"b-to-svc-c":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/b:1.0.0"},"a-to-svc-b":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/x:1.0.0","calls":["c"]},`+
			`"c":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/c:1.0.0"},"users":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/users:1.0.0"},`+
			`"orders":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:1.0.0"},"web-bff":{"public":true,"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/w:1.0.0"},"mobile-bff":{"public":true,"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/m:1.0.0"}}`),
			"secure-vpc:services.a-to-svc-b", "would be named svc-a-to-svc-b-to-svc-c-8443"},
		{"derived names", "a long private service name (no load balancer)", services(`"users":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/users:1.0.0"},"order-history-service":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/o:1.0.0"}`), "", ""},
		{"derived names", "the same name for a BFF", services(`"users":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/users:1.0.0"},"order-history-service":{"public":true,"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/o:1.0.0"}`), "secure-vpc:services.order-history-service", "too long for a BFF: the load balancer name"},
		{"storage", "autoscaling cannot fit above a large volume", db(`"version":"16","instanceClass":"db.r7g.large","allocatedStorage":60000`), "", ""},
		{"storage", "autoscaling asked for above a large volume", db(`"version":"16","instanceClass":"db.r7g.large","allocatedStorage":60000,"maxAllocatedStorage":65536`), "secure-vpc:databases.users-db.maxAllocatedStorage", "set it to 0 to turn autoscaling off"},
		{"PostgreSQL major", "a minor version", db(`"version":"16.4","instanceClass":"db.t4g.micro"`), "secure-vpc:databases.users-db.version", "major only"},
		{"settings that do nothing", "a health check path on a private service", services(`"users":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/users:1.0.0","healthCheckPath":"/ready"}`), "secure-vpc:services.users.healthCheckPath", "only a BFF's load balancer checks health"},
		{"image", "Docker Hub with no internet egress", services(`"users":{"port":8443,"image":"nginx:1.27"}`), "secure-vpc:services.users.image", "pulled from docker.io, which the task cannot reach"},
		{"image", "ECR Public with no internet egress", services(`"users":{"port":8443,"image":"public.ecr.aws/nginx/nginx:1.27"}`), "secure-vpc:services.users.image", "pulled from public.ecr.aws"},
		{"image", "ECR of another region with no internet egress", services(`"users":{"port":8443,"image":"123456789012.dkr.ecr.us-east-1.amazonaws.com/users:1.0.0"}`), "secure-vpc:services.users.image", "serve ECR in eu-west-1"},
		{"image", "Docker Hub with internet egress through NAT, owning a database", services(`"users":{"port":8443,"image":"nginx:1.27","egress":["*.docker.io","production.cloudflare.docker.com","docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com"]}`),
			"secure-vpc:databases.users-db.migrationImage", "is not set, so the migration task would run its owner's image nginx:1.27, pulled from docker.io, which the task cannot reach"},
		{"image", "Docker Hub with internet egress through NAT, and a migration image in ECR", both(services(`"users":{"port":8443,"image":"nginx:1.27","egress":["*.docker.io","production.cloudflare.docker.com","docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com"]}`),
			db(`"version":"16","instanceClass":"db.t4g.micro","migrationImage":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/users-migrations:1.0.0"`)), "", ""},
		{"image", "a migration image from Docker Hub", db(`"version":"16","instanceClass":"db.t4g.micro","migrationImage":"flyway/flyway:10"`),
			"secure-vpc:databases.users-db.migrationImage", "flyway/flyway:10 is pulled from docker.io, which the migration task cannot reach"},
		{"image", "a migration image tagged latest", db(`"version":"16","instanceClass":"db.t4g.micro","migrationImage":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/m:latest"`),
			"secure-vpc:databases.users-db.migrationImage", "mutable tag latest"},
		{"image", "a registry on a port other than HTTPS's", services(`"users":{"port":8443,"image":"registry.example.com:5000/x:1","egress":["registry.example.com"]}`),
			"secure-vpc:services.users.image", "registry.example.com:5000, which the task cannot reach at any egress destination: only HTTPS on port 443 leaves the VPC"},
		{"image", "a registry on a port other than HTTPS's, no egress", services(`"users":{"port":8443,"image":"localhost:5000/x:1"}`),
			"secure-vpc:services.users.image", "only HTTPS on port 443 leaves the VPC"},
		{"image", "a registry on HTTPS's port, its host among egress", both(services(`"users":{"port":8443,"image":"registry.example.com:443/x:1","egress":["registry.example.com"]}`),
			db(`"version":"16","instanceClass":"db.t4g.micro","migrationImage":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/users-migrations:1.0.0"`)), "", ""},
		{"image", "ECR of the stack's region, another account", services(`"users":{"port":8443,"image":"210987654321.dkr.ecr.eu-west-1.amazonaws.com/users:1.0.0"}`), "", ""},
		{"Fargate size", "not a CPU size", services(`"users":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/users:1.0.0","cpu":300,"memory":1024}`), "secure-vpc:services.users.cpu", "not a Fargate task CPU size"},
		{"graph", "a BFF owns a database", db(`"version":"16","instanceClass":"db.t4g.micro","owner":"web-bff"`), "secure-vpc:databases.users-db.owner", "a BFF never owns a database"},
		{"graph", "internet egress without NAT", func(s *Source) {
			services(`"users":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/users:1.0.0","egress":["api.payments.example"]}`)(s)
			s.Values["secure-vpc:network"] = `{"cidr":"10.20.0.0/16","availabilityZones":["eu-west-1a","eu-west-1b"],"natGateways":"none"}`
		}, "secure-vpc:services.users.egress", "secure-vpc:network.natGateways is none"},
		{"DNS Firewall", "fail open in dev", func(s *Source) {
			s.Values["secure-vpc:network"] = `{"cidr":"10.20.0.0/16","availabilityZones":["eu-west-1a","eu-west-1b"],"dnsFirewallFailOpen":true}`
		}, "", ""},
		{"DNS Firewall", "fail closed in prod", func(s *Source) {
			s.Values["secure-vpc:environment"] = "prod"
			s.Values["secure-vpc:edge"] = `{"certificateArn":"arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-4000-8000-000000000001"}`
			s.Values["secure-vpc:network"] = `{"cidr":"10.20.0.0/16","availabilityZones":["eu-west-1a","eu-west-1b"],"dnsFirewallFailOpen":false}`
			// prod runs images from the stack's own repositories (or pinned by digest)
			s.Values["secure-vpc:services"] = regexp.MustCompile(`"image":"[^"]*:(1\.0\.0)"`).ReplaceAllString(s.Values["secure-vpc:services"], `"imageTag":"$1"`)
		}, "", ""},
		{"graph", "internet egress through NAT", services(`"users":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/users:1.0.0","egress":["api.payments.example"]}`), "", ""},
		{"namespace", "namespace without the hyphen", set("securevpc:buckets", `{}`), "securevpc:buckets", "did you mean secure-vpc:buckets"},
		{"namespace", "namespace with an underscore", set("secure_vpc:secrets", `{}`), "secure_vpc:secrets", "did you mean secure-vpc:secrets"},
		{"namespace", "misspelt namespace and key", set("secure-vcp:bucket", `{}`), "secure-vcp:bucket", "did you mean secure-vpc:buckets"},
		{"namespace", "a project key in a far namespace", set("svpc:caches", `{}`), "svpc:caches", "did you mean secure-vpc:caches"},
		{"namespace", "a project key in a short namespace", set("secure:caches", `{}`), "secure:caches", "did you mean secure-vpc:caches"},
		{"namespace", "misspelt region key", set("aws:regoin", "eu-west-1"), "aws:regoin", "did you mean aws:region"},
		{"namespace", "another provider's key", set("aws:profile", "ops"), "", ""},
		{"secret value", "one entry in plaintext", func(s *Source) {
			s.Values["secure-vpc:secrets"] = `{"payments-api-key":{"readers":["orders"]},"stripe-key":{"readers":["orders"]}}`
			s.Values["secure-vpc:secretValues"] = `{"payments-api-key":"offline","stripe-key":"sk-plain"}`
			s.SecretEntries = map[string]bool{"secure-vpc:secretValues.payments-api-key": true, "secure-vpc:secretValues.stripe-key": false}
		}, "secure-vpc:secretValues.stripe-key", "is stored in plaintext"},
		{"secret value", "every entry encrypted", func(s *Source) {
			s.Values["secure-vpc:secrets"] = `{"payments-api-key":{"readers":["orders"]},"stripe-key":{"readers":["orders"]}}`
			s.Values["secure-vpc:secretValues"] = `{"payments-api-key":"offline","stripe-key":"offline"}`
			s.SecretEntries = map[string]bool{"secure-vpc:secretValues.payments-api-key": true, "secure-vpc:secretValues.stripe-key": true}
		}, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.kind+"/"+tc.name, func(t *testing.T) {
			src := validSource()
			src.At = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
			tc.mutate(&src)
			_, err := Load(src)
			assertLoad(t, err, tc.wantKey, tc.wantMsg)
		})
	}
}

// A major leaves standard support on the day after its last day, whatever the stack says.
func TestPostgresMajorsFollowTheCalendar(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		at      string
		version string
		ok      bool
	}{
		{"2027-02-28", "14", true},
		{"2027-03-01", "14", false},
		{"2026-02-28", "13", true},
		{"2026-03-01", "13", false},
		{"2030-01-01", "18", true},
		{"2028-03-01", "12", false},
	} {
		src := validSource()
		src.At, _ = time.Parse("2006-01-02", tc.at)
		src.Values["secure-vpc:databases"] = `{"users-db":{"engine":"postgres","version":"` + tc.version + `","owner":"users","instanceClass":"db.t4g.micro"}}`
		_, err := Load(src)
		assert.Equal(t, tc.ok, err == nil, "PostgreSQL %s on %s: %v", tc.version, tc.at, err)
	}
	soon := validSource()
	soon.At = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	soon.Values["secure-vpc:databases"] = `{"users-db":{"engine":"postgres","version":"14","owner":"users","instanceClass":"db.t4g.micro"}}`
	spec, err := Load(soon)
	require.NoError(t, err)
	assert.Equal(t, []string{"secure-vpc:databases.users-db.version: PostgreSQL 14 leaves RDS standard support on 2027-02-28; from the day after, RDS bills Extended Support for the running instance and this loader refuses the version: upgrade before then"}, spec.Notices,
		"a major within six months of the end of standard support is accepted, and said")
	soon.Values["secure-vpc:databases"] = strings.Replace(soon.Values["secure-vpc:databases"], `"14"`, `"16"`, 1)
	spec, err = Load(soon)
	require.NoError(t, err)
	assert.Empty(t, spec.Notices)

	src := validSource()
	src.At = time.Date(2028, 3, 1, 0, 0, 0, 0, time.UTC)
	src.Values["secure-vpc:databases"] = `{"users-db":{"engine":"postgres","version":"12","extendedSupport":true,"owner":"users","instanceClass":"db.t3.micro"}}`
	_, err = Load(src)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "RDS no longer runs PostgreSQL 12 (Extended Support ended 2028-02-29)", "opting in does not help past Extended Support")
}

// The quotas a large graph reaches are refused before pulumi up, each naming its AWS quota; an
// account that had one raised says so in secure-vpc:quotas.
func TestLoadRefusesWhatExceedsAWSQuotas(t *testing.T) {
	t.Parallel()
	many := func(n int, public bool, extra string) string {
		var b strings.Builder
		b.WriteString(`{"users":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/users:1.0.0"}`)
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, `,"s%03d":{"port":8443,"public":%v,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/s:1.0.0"%s}`, i, public, extra)
		}
		return b.String() + "}"
	}
	small := func(s *Source) {
		for _, k := range []string{"databases", "buckets", "caches", "secrets", "secretValues"} {
			s.Values["secure-vpc:"+k] = "{}"
		}
	}
	cases := []struct {
		name    string
		mutate  func(*Source)
		wantKey string
		wantMsg string
	}{
		{"IAM roles", func(s *Source) { small(s); s.Values["secure-vpc:services"] = many(500, false, "") }, "secure-vpc:services", "1003 IAM roles"},
		{"IAM roles, quota raised", func(s *Source) {
			small(s)
			s.Values["secure-vpc:services"] = many(500, false, "")
			s.Values["secure-vpc:quotas"] = `{"iamRoles":2000}`
		}, "", ""},
		{"load balancers", func(s *Source) { small(s); s.Values["secure-vpc:services"] = many(51, true, "") }, "secure-vpc:services", "51 Application Load Balancers"},
		{"Cloud Map instances", func(s *Source) { small(s); s.Values["secure-vpc:services"] = many(11, false, `,"desiredCount":100`) }, "secure-vpc:services", "Cloud Map instances"},
		{"unknown quota", func(s *Source) { s.Values["secure-vpc:quotas"] = `{"iamRole":2000}` }, "secure-vpc:quotas.iamRole", `did you mean "iamRoles"`},
		{"tasks outgrow the private subnets", func(s *Source) {
			s.Values["secure-vpc:network"] = `{"cidr":"10.20.0.0/22","availabilityZones":["eu-west-1a","eu-west-1b"]}`
			s.Values["secure-vpc:services"] = strings.ReplaceAll(s.Values["secure-vpc:services"], `"port":8443,`, `"port":8443,"desiredCount":100,`)
		}, "secure-vpc:network.cidr", "a deployment of the services runs up to 800"},
		{"tasks fit the private subnets", func(s *Source) {
			s.Values["secure-vpc:network"] = `{"cidr":"10.20.0.0/22","availabilityZones":["eu-west-1a","eu-west-1b"]}`
			s.Values["secure-vpc:services"] = strings.ReplaceAll(s.Values["secure-vpc:services"], `"port":8443,`, `"port":8443,"desiredCount":25,`)
		}, "", ""},
		{"stores outgrow the isolated subnets", func(s *Source) {
			s.Values["secure-vpc:network"] = `{"cidr":"10.20.0.0/22","availabilityZones":["eu-west-1a","eu-west-1b"]}`
			var caches []string
			for i := 0; i < 120; i++ {
				caches = append(caches, fmt.Sprintf(`"c-%03d":{"users":["users"]}`, i))
			}
			s.Values["secure-vpc:caches"] = "{" + strings.Join(caches, ",") + "}"
		}, "secure-vpc:network.cidr", "the stores need 121"},
		{"DB instances", func(s *Source) {
			var dbs []string
			for i := 0; i < 41; i++ {
				dbs = append(dbs, fmt.Sprintf(`"db-%02d":{"engine":"postgres","version":"16","owner":"users","instanceClass":"db.t4g.micro"}`, i))
			}
			s.Values["secure-vpc:databases"] = "{" + strings.Join(dbs, ",") + "}"
		}, "secure-vpc:databases", "41 RDS DB instances"},
		{"secret policy size", func(s *Source) {
			small(s)
			s.Values["secure-vpc:services"] = many(380, false, "")
			var readers []string
			for i := 0; i < 380; i++ {
				readers = append(readers, fmt.Sprintf("%q", fmt.Sprintf("s%03d", i)))
			}
			s.Values["secure-vpc:secrets"] = `{"shared":{"readers":[` + strings.Join(readers, ",") + `]}}`
			s.Values["secure-vpc:secretValues"] = `{"shared":"x"}`
		}, "secure-vpc:secrets.shared.readers", "Secrets Manager resource policy size (20480 characters)"},
		{"execution role policy size", func(s *Source) {
			small(s)
			var secrets, values []string
			for i := 0; i < 80; i++ {
				secrets = append(secrets, fmt.Sprintf(`"app-secret-%02d":{"readers":["users"]}`, i))
				values = append(values, fmt.Sprintf(`"app-secret-%02d":"x"`, i))
			}
			s.Values["secure-vpc:services"] = `{"users":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/users:1.0.0"}}`
			s.Values["secure-vpc:secrets"] = "{" + strings.Join(secrets, ",") + "}"
			s.Values["secure-vpc:secretValues"] = "{" + strings.Join(values, ",") + "}"
		}, "secure-vpc:services.users", "IAM inline policy size per role"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := validSource()
			tc.mutate(&src)
			_, err := Load(src)
			assertLoad(t, err, tc.wantKey, tc.wantMsg)
		})
	}
}

// The identity verification key, which every service reads, keeps a policy of one length at
// any size: it names the stack's execution roles by tag, not one by one.
func TestEveryServiceSecretFitsAtAnyScale(t *testing.T) {
	t.Parallel()
	src := validSource()
	var b strings.Builder
	b.WriteString(`{"users":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/users:1.0.0"}`)
	for i := 0; i < 400; i++ {
		fmt.Fprintf(&b, `,"s%03d":{"port":8443,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/s:1.0.0"}`, i)
	}
	src.Values["secure-vpc:services"] = b.String() + "}"
	for _, k := range []string{"databases", "buckets", "caches", "secrets", "secretValues"} {
		src.Values["secure-vpc:"+k] = "{}"
	}
	_, err := Load(src)
	require.NoError(t, err, "401 services (past the ~345 at which a list of every execution role outgrew 20,480 characters) fit every secret policy")
}

// assertLoad asserts that a config loaded (wantKey "") or was refused with a problem naming
// wantKey whose message contains wantMsg.
func assertLoad(t *testing.T, err error, wantKey, wantMsg string) {
	t.Helper()
	if wantKey == "" {
		require.NoError(t, err)
		return
	}
	requireProblem(t, err, wantKey, wantMsg)
}

// requireProblem asserts that err lists, one line each, a problem naming key whose message
// contains msg.
func requireProblem(t *testing.T, err error, key, msg string) {
	t.Helper()
	var cfgErr *ConfigError
	require.True(t, errors.As(err, &cfgErr), "want a *ConfigError, got %v", err)
	var messages []string
	for _, p := range cfgErr.Problems {
		assert.NotContains(t, p.String(), "\n", "each problem is one line")
		if p.Key == key {
			messages = append(messages, p.Message)
		}
	}
	require.NotEmpty(t, messages, "no problem names %s; got:\n%s", key, err)
	assert.Contains(t, strings.Join(messages, "\n"), msg)
}

// The catalogue's regions are the ones the pinned provider can deploy to: every region the
// loader accepts is in pulumi-aws's Region enum, and the ones it refuses are not. A provider
// upgrade updates this list and awslimits.ProviderUnknownRegions together.
func TestRegionsTheProviderKnows(t *testing.T) {
	t.Parallel()
	provider := map[string]bool{}
	for _, r := range []aws.Region{aws.RegionAFSouth1, aws.RegionAPEast1, aws.RegionAPNortheast1, aws.RegionAPNortheast2,
		aws.RegionAPNortheast3, aws.RegionAPSouth1, aws.RegionAPSouth2, aws.RegionAPSoutheast1, aws.RegionAPSoutheast2,
		aws.RegionAPSoutheast3, aws.RegionAPSoutheast4, aws.RegionAPSoutheast5, aws.RegionAPSoutheast7, aws.RegionCACentral,
		aws.RegionCAWest1, aws.RegionEUCentral1, aws.RegionEUCentral2, aws.RegionEUNorth1, aws.RegionEUSouth1, aws.RegionEUSouth2,
		aws.RegionEUWest1, aws.RegionEUWest2, aws.RegionEUWest3, aws.RegionILCentral1, aws.RegionMECentral1, aws.RegionMESouth1,
		aws.RegionMXCentral1, aws.RegionSAEast1, aws.RegionUSEast1, aws.RegionUSEast2, aws.RegionUSWest1, aws.RegionUSWest2} {
		provider[string(r)] = true
	}
	for name := range awslimits.Regions {
		assert.Equal(t, !awslimits.ProviderUnknownRegions[name], provider[name], "%s: the catalogue and pulumi-aws's Region enum disagree", name)
	}
	for name := range provider {
		assert.Contains(t, awslimits.Regions, name, "a commercial region the provider knows is in the catalogue")
	}
	src := validSource()
	src.Values["aws:region"] = "ap-southeast-6"
	src.Values["secure-vpc:network"] = `{"cidr":"10.20.0.0/16","availabilityZones":["ap-southeast-6a","ap-southeast-6b"]}`
	_, err := Load(src)
	requireProblem(t, err, "aws:region", "the pinned AWS provider (pulumi-aws v6) does not know yet")
}
