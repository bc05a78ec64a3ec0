package platform

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// validSource is a complete, valid dev config; each test case breaks one rule of it.
func validSource() Source {
	return Source{
		Stack: "dev",
		Values: map[string]string{
			"aws:region":              "eu-west-1",
			"secure-vpc:environment":  "dev",
			"secure-vpc:network":      `{"cidr":"10.20.0.0/16","availabilityZones":["eu-west-1a","eu-west-1b"],"natGateways":"single"}`,
			"secure-vpc:services":     `{"web-bff":{"public":true,"port":8443,"image":"repo/web-bff:1.0.0","calls":["users","orders"]},"mobile-bff":{"public":true,"port":8443,"image":"repo/mobile-bff:1.0.0","calls":["users"]},"users":{"port":8443,"image":"repo/users:1.0.0"},"orders":{"port":8443,"image":"repo/orders@sha256:` + strings.Repeat("ab", 32) + `","calls":["users"]}}`,
			"secure-vpc:databases":    `{"users-db":{"engine":"postgres","version":"16","owner":"users","instanceClass":"db.t4g.micro"}}`,
			"secure-vpc:buckets":      `{"user-uploads":{"writers":["users"],"readers":["web-bff"]}}`,
			"secure-vpc:caches":       `{"sessions":{"users":["web-bff","mobile-bff"]}}`,
			"secure-vpc:secrets":      `{"payments-api-key":{"readers":["orders"]}}`,
			"secure-vpc:secretValues": `{"payments-api-key":"test-value-not-a-real-key"}`,
			"secure-vpc:edge":         `{}`,
		},
		Secret: map[string]bool{"secure-vpc:secretValues": true},
	}
}

func TestLoadValidConfig(t *testing.T) {
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
}

func TestEnvironmentDefaults(t *testing.T) {
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
	set := func(key, value string) func(*Source) {
		return func(s *Source) { s.Values[key] = value }
	}
	svc := func(extra string) string {
		return `{"web-bff":{"public":true,"port":8443,"image":"repo/web-bff:1.0.0"},"users":{"port":8443,"image":"repo/users:1.0.0"` + extra + `}}`
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
		{"four AZs", net(`{"cidr":"10.20.0.0/16","availabilityZones":["eu-west-1a","eu-west-1b","eu-west-1c","eu-west-1d"]}`), "secure-vpc:network.availabilityZones", "list 2 or 3"},
		{"duplicate AZ", net(`{"cidr":"10.20.0.0/16","availabilityZones":["eu-west-1a","eu-west-1a"]}`), "secure-vpc:network.availabilityZones", "listed twice"},
		{"AZ of another region", net(`{"cidr":"10.20.0.0/16","availabilityZones":["eu-west-1a","us-east-1b"]}`), "secure-vpc:network.availabilityZones", "not an availability zone of eu-west-1"},
		{"bad NAT strategy", net(`{"cidr":"10.20.0.0/16","availabilityZones":["eu-west-1a","eu-west-1b"],"natGateways":"double"}`), "secure-vpc:network.natGateways", "none, single or perAz"},
		{"bad retention", net(`{"cidr":"10.20.0.0/16","availabilityZones":["eu-west-1a","eu-west-1b"],"flowLogRetentionDays":45}`), "secure-vpc:network.flowLogRetentionDays", "use one of"},
		{"unknown service in calls", set("secure-vpc:services", `{"web-bff":{"public":true,"port":8443,"image":"repo/web-bff:1.0.0","calls":["user"]},"users":{"port":8443,"image":"repo/users:1.0.0"}}`), "secure-vpc:services.web-bff.calls", `unknown service "user"`},
		{"calling a BFF", set("secure-vpc:services", svc(`,"calls":["web-bff"]`)), "secure-vpc:services.users.calls", "nobody calls them"},
		{"calling itself", set("secure-vpc:services", svc(`,"calls":["users"]`)), "secure-vpc:services.users.calls", "calls itself"},
		{"port out of range", set("secure-vpc:services", svc(`,"port":70000`)), "secure-vpc:services.users.port", "out of range"},
		{"missing port", set("secure-vpc:services", `{"users":{"image":"repo/users:1.0.0"}}`), "secure-vpc:services.users.port", "required"},
		{"latest image", set("secure-vpc:services", `{"users":{"port":8443,"image":"repo/users:latest"}}`), "secure-vpc:services.users.image", "mutable tag latest"},
		{"untagged image", set("secure-vpc:services", `{"users":{"port":8443,"image":"repo/users"}}`), "secure-vpc:services.users.image", "tag or digest"},
		{"bad Fargate size", set("secure-vpc:services", svc(`,"cpu":256,"memory":4096`)), "secure-vpc:services.users.memory", "not a Fargate task size"},
		{"name not a DNS label", set("secure-vpc:services", `{"Users_Svc":{"port":8443,"image":"repo/users:1.0.0"}}`), "secure-vpc:services.Users_Svc", "lowercase letters"},
		{"name too long for the ALB", set("secure-vpc:services", `{"a-very-long-service-name":{"public":true,"port":8443,"image":"repo/x:1.0.0"}}`), "secure-vpc:services.a-very-long-service-name", "load balancer name"},
		{"no services", set("secure-vpc:services", `{}`), "secure-vpc:services", "declare at least one"},
		{"database with two owners", set("secure-vpc:databases", `{"users-db":{"engine":"postgres","version":"16","owner":["users","orders"],"instanceClass":"db.t4g.micro"}}`), "secure-vpc:databases.users-db.owner", "exactly one owner"},
		{"database without owner", set("secure-vpc:databases", `{"users-db":{"engine":"postgres","version":"16","instanceClass":"db.t4g.micro"}}`), "secure-vpc:databases.users-db.owner", "required"},
		{"database owned by unknown service", set("secure-vpc:databases", `{"users-db":{"engine":"postgres","version":"16","owner":"user","instanceClass":"db.t4g.micro"}}`), "secure-vpc:databases.users-db.owner", `did you mean "users"`},
		{"database engine", set("secure-vpc:databases", `{"users-db":{"engine":"mysql","version":"16","owner":"users","instanceClass":"db.t4g.micro"}}`), "secure-vpc:databases.users-db.engine", "use postgres"},
		{"database version", set("secure-vpc:databases", `{"users-db":{"engine":"postgres","version":"16.3","owner":"users","instanceClass":"db.t4g.micro"}}`), "secure-vpc:databases.users-db.version", "major only"},
		{"retired instance class", set("secure-vpc:databases", `{"users-db":{"engine":"postgres","version":"16","owner":"users","instanceClass":"db.t2.micro"}}`), "secure-vpc:databases.users-db.instanceClass", "not offered"},
		{"database port", set("secure-vpc:databases", `{"users-db":{"engine":"postgres","version":"16","owner":"users","instanceClass":"db.t4g.micro","port":80}}`), "secure-vpc:databases.users-db.port", "use 1150-65535"},
		{"bucket reader unknown", set("secure-vpc:buckets", `{"user-uploads":{"readers":["web"]}}`), "secure-vpc:buckets.user-uploads.readers", `unknown service "web"`},
		{"bucket without users", set("secure-vpc:buckets", `{"user-uploads":{}}`), "secure-vpc:buckets.user-uploads", "no readers or writers"},
		{"cache user unknown", set("secure-vpc:caches", `{"sessions":{"users":["api"]}}`), "secure-vpc:caches.sessions.users", `unknown service "api"`},
		{"cache engine", set("secure-vpc:caches", `{"sessions":{"users":["web-bff"],"engine":"memcached"}}`), "secure-vpc:caches.sessions.engine", "valkey or redis"},
		{"secret reader unknown", set("secure-vpc:secrets", `{"payments-api-key":{"readers":["payments"]}}`), "secure-vpc:secrets.payments-api-key.readers", `unknown service "payments"`},
		{"secret value in plaintext", func(s *Source) { s.Secret["secure-vpc:secretValues"] = false }, "secure-vpc:secretValues", "--secret"},
		{"secret value not set", set("secure-vpc:secretValues", `{}`), "secure-vpc:secretValues.payments-api-key", "pulumi config set --secret --path 'secretValues.payments-api-key'"},
		{"value for undeclared secret", set("secure-vpc:secretValues", `{"payments-api-key":"x","stripe":"y"}`), "secure-vpc:secretValues.stripe", "no secret \"stripe\" is declared"},
		{"name used twice", set("secure-vpc:buckets", `{"users":{"readers":["users"]}}`), "secure-vpc:buckets.users", "already used under secure-vpc:services"},
		{"bad certificate ARN", set("secure-vpc:edge", `{"certificateArn":"arn:aws:iam::123456789012:server-certificate/x"}`), "secure-vpc:edge.certificateArn", "not an ACM certificate ARN"},
		{"certificate of another region", set("secure-vpc:edge", `{"certificateArn":"arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-4000-8000-000000000001"}`), "secure-vpc:edge.certificateArn", "its own region"},
		{"prod without certificate", set("secure-vpc:environment", "prod"), "secure-vpc:edge.certificateArn", "required in prod"},
		{"rate limit", set("secure-vpc:edge", `{"rateLimit":5}`), "secure-vpc:edge.rateLimit", "out of range"},
		{"stack name not lowercase", func(s *Source) { s.Stack = "Dev_Alice" }, "stack Dev_Alice", "lowercase letters"},
		{"cache name too long for its group id", set("secure-vpc:caches", `{"a-really-quite-long-cache-name-for-tests":{"users":["web-bff"]}}`), "secure-vpc:caches.a-really-quite-long-cache-name-for-tests", "replication group id"},
		{"network not a mapping", net(`["10.20.0.0/16"]`), "secure-vpc:network", "must be a mapping"},
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
	src := validSource()
	src.Values["secure-vpc:netwrok"] = "{}"
	src.Values["secure-vpc:environment"] = "qa"
	_, err := Load(src)
	var cfgErr *ConfigError
	require.True(t, errors.As(err, &cfgErr))
	assert.Len(t, cfgErr.Problems, 2)
	assert.Equal(t, 2, strings.Count(err.Error(), "\n")+1)
}

func TestLoadRejectsSecurityGroupQuota(t *testing.T) {
	src := validSource()
	var b strings.Builder
	b.WriteString(`{"hub":{"port":8443,"image":"repo/hub:1.0.0"}`)
	for i := 0; i < 61; i++ {
		fmt.Fprintf(&b, `,"caller-%02d":{"port":8443,"image":"repo/c:1.0.0","calls":["hub"]}`, i)
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
	src.Values["secure-vpc:services"] = strings.Replace(b.String(), `,"caller-60":{"port":8443,"image":"repo/c:1.0.0","calls":["hub"]}`, "", 1)
	_, err = Load(src)
	assert.NoError(t, err)
}

func TestFargateSizes(t *testing.T) {
	for _, tc := range []struct {
		cpu, mem int
		ok       bool
	}{
		{256, 512, true}, {256, 2048, true}, {256, 3072, false}, {512, 4096, true}, {512, 512, false},
		{1024, 3072, true}, {4096, 30720, true}, {4096, 8000, false}, {8192, 20480, true}, {8192, 18432, false},
		{300, 1024, false},
	} {
		assert.Equal(t, tc.ok, validFargateSize(tc.cpu, tc.mem), "cpu %d memory %d", tc.cpu, tc.mem)
	}
}
