package platform

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withSetting returns validSource with one field of a config key set: of an entry of a mapping
// (services, databases, ...) when entry is not empty, else of the key's object (network, edge).
func withSetting(t *testing.T, key, entry, field string, value any) Source {
	t.Helper()
	src := validSource()
	full := "secure-vpc:" + key
	var obj map[string]any
	require.NoError(t, json.Unmarshal([]byte(src.Values[full]), &obj))
	target := obj
	if entry != "" {
		target = obj[entry].(map[string]any)
	}
	target[field] = value
	data, err := json.Marshal(obj)
	require.NoError(t, err)
	src.Values[full] = string(data)
	return src
}

// TestSettingsKeepTheirWords pins, byte for byte, the problem each declared setting reports for
// a value it refuses (the words the settings table's checks and the loader give).
func TestSettingsKeepTheirWords(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		key, entry, field string
		value             any
		want              string
	}{
		{"network", "", "natGateways", "nat", `secure-vpc:network.natGateways: "nat" is not a NAT strategy; use none, single or perAz`},
		{"network", "", "availabilityZones", []string{"eu-west-1a"}, "secure-vpc:network.availabilityZones: has 1 zone(s); list 2 or 3 distinct zones (load balancers and DB subnet groups need at least 2)"},
		{"network", "", "flowLogRetentionDays", 31, "secure-vpc:network.flowLogRetentionDays: 31 is not a retention CloudWatch Logs accepts; use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653"},
		{"services", "users", "cpu", 300, "secure-vpc:services.users.cpu: 300 is not a Fargate task CPU size; use 256, 512, 1024, 2048, 4096, 8192 or 16384 (CPU units)"},
		{"services", "users", "memory", 4096, "secure-vpc:services.users.memory: cpu 256 with memory 4096 is not a Fargate task size; cpu 256 takes memory 512, 1024 or 2048 (MiB)"},
		{"services", "users", "desiredCount", 0, "secure-vpc:services.users.desiredCount: 0 is out of range; run 1 to 100 tasks"},
		{"services", "users", "desiredCount", 101, "secure-vpc:services.users.desiredCount: 101 is out of range; run 1 to 100 tasks"},
		{"services", "web-bff", "healthCheckPath", "healthz", `secure-vpc:services.web-bff.healthCheckPath: "healthz" is not a URL path such as /healthz`},
		{"services", "users", "healthCheckPath", "/ready", "secure-vpc:services.users.healthCheckPath: has no effect: only a BFF's load balancer checks health (ECS restarts a private service's tasks when they exit); remove it"},
		{"services", "users", "image", "docker.io/library/nginx:1.27", "secure-vpc:services.users.image: docker.io/library/nginx:1.27 is pulled from docker.io, which the task cannot reach: without egress destinations it reaches only the VPC endpoints, which serve ECR in eu-west-1; push the image to the stack's own repository (imageTag) or another ECR repository in eu-west-1, or declare auth.docker.io, registry-1.docker.io, production.cloudflare.docker.com, docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com under secure-vpc:services.users.egress (with a NAT strategy)"},
		{"databases", "users-db", "port", 80, "secure-vpc:databases.users-db.port: 80 cannot work: RDS for PostgreSQL accepts ports 1150-65535; use 1150-65535"},
		{"databases", "users-db", "port", 70000, "secure-vpc:databases.users-db.port: 70000 is out of range; use 1150-65535"},
		{"databases", "users-db", "allocatedStorage", 10, "secure-vpc:databases.users-db.allocatedStorage: 10 GiB is out of range; use 20 to 65536"},
		{"databases", "users-db", "maxAllocatedStorage", 21, "secure-vpc:databases.users-db.maxAllocatedStorage: 21 GiB is out of range; storage autoscaling needs at least 10% above allocatedStorage (20), so use 22 to 65536, or 0 to turn it off"},
		{"databases", "users-db", "backupRetentionDays", 3, "secure-vpc:databases.users-db.backupRetentionDays: 3 is out of range; keep 7 to 35 days of backups"},
		{"databases", "users-db", "backupRetentionDays", 36, "secure-vpc:databases.users-db.backupRetentionDays: 36 is out of range; keep 7 to 35 days of backups"},
		{"caches", "sessions", "engine", "memcached", `secure-vpc:caches.sessions.engine: "memcached" is not supported; use valkey or redis`},
		{"caches", "sessions", "port", 0, "secure-vpc:caches.sessions.port: required; give the TCP port (1-65535)"},
		{"edge", "", "rateLimit", 5, "secure-vpc:edge.rateLimit: 5 is out of range; WAF rate limits take 10 to 2000000000 requests per 5 minutes per IP"},
		{"edge", "", "certificateArn", "arn:bogus", `secure-vpc:edge.certificateArn: "arn:bogus" is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)`},
	} {
		t.Run(tc.key+"."+tc.field, func(t *testing.T) {
			_, err := Load(withSetting(t, tc.key, tc.entry, tc.field, tc.value))
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
		})
	}

	t.Run("a ceiling RDS cannot give", func(t *testing.T) {
		src := withSetting(t, "databases", "users-db", "allocatedStorage", 65000)
		var dbs map[string]map[string]any
		require.NoError(t, json.Unmarshal([]byte(src.Values["secure-vpc:databases"]), &dbs))
		dbs["users-db"]["maxAllocatedStorage"] = 65536
		data, _ := json.Marshal(dbs)
		src.Values["secure-vpc:databases"] = string(data)
		_, err := Load(src)
		require.Error(t, err)
		assert.Equal(t, "secure-vpc:databases.users-db.maxAllocatedStorage: storage autoscaling needs a ceiling of at least 71500 GiB (10% above allocatedStorage), more than RDS allows (65536); set it to 0 to turn autoscaling off", err.Error())
	})
}

// TestSettingsApplyTheirDefaults checks, in every environment, that a key the config leaves out
// takes the table's default, and one it sets takes the config's value.
func TestSettingsApplyTheirDefaults(t *testing.T) {
	t.Parallel()
	for _, env := range Environments {
		t.Run(string(env), func(t *testing.T) {
			src := validSource()
			src.Values["secure-vpc:environment"] = string(env)
			src.Values["secure-vpc:network"] = `{"cidr":"10.20.0.0/16","availabilityZones":["eu-west-1a","eu-west-1b"]}`
			src.Values["secure-vpc:edge"] = `{"certificateArn":"arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-4000-8000-000000000001"}`
			ownImages(&src) // staging and prod take an image by digest or from the stack's own repository
			spec, err := Load(src)
			require.NoError(t, err)
			want := map[Environment]struct {
				nat                        NATStrategy
				retention, desired, backup int
				multiAZ                    bool
			}{
				Dev:     {NATSingle, 30, 1, 7, false},
				Staging: {NATSingle, 90, 2, 14, true},
				Prod:    {NATPerAZ, 365, 2, 30, true},
			}[env]
			assert.Equal(t, want.nat, spec.Network.NATGateways)
			assert.Equal(t, want.retention, spec.Network.FlowLogRetentionDays)
			users := spec.Services["users"]
			assert.Equal(t, []any{256, 512, want.desired, "/healthz"}, []any{users.CPU, users.Memory, users.DesiredCount, users.HealthCheckPath})
			db := spec.Databases["users-db"]
			assert.Equal(t, []any{5432, 20, 100, want.backup, want.multiAZ}, []any{db.Port, db.AllocatedStorage, db.MaxAllocatedStorage, db.BackupRetentionDays, db.MultiAZ})
			c := spec.Caches["sessions"]
			assert.Equal(t, []any{Valkey, "cache.t4g.micro", 6379}, []any{c.Engine, c.NodeType, c.Port})
			assert.Equal(t, 1000, spec.Edge.RateLimit)
			assert.Equal(t, "application secret payments-api-key", spec.Secrets["payments-api-key"].Description)
			assert.Equal(t, env != Dev, spec.Protect)
			decided := map[Environment][]int{Dev: {1, 1, 7, 60}, Staging: {2, 7, 30, 60}, Prod: {2, 7, 30, 60}}[env]
			assert.Equal(t, decided, []int{spec.CacheNodes, spec.CacheSnapshotRetentionDays, spec.SecretRecoveryWindowDays, spec.HealthCheckGraceSeconds},
				"cache nodes, cache snapshot days, secret recovery window, health-check grace")
		})
	}

	t.Run("derived storage ceiling", func(t *testing.T) {
		for allocated, ceiling := range map[int]int{20: 100, 100: 110, 1000: 1100, 65536: 0} {
			spec, err := Load(withSetting(t, "databases", "users-db", "allocatedStorage", allocated))
			require.NoError(t, err)
			assert.Equal(t, ceiling, spec.Databases["users-db"].MaxAllocatedStorage, "allocatedStorage %d", allocated)
		}
	})

	t.Run("set values win", func(t *testing.T) {
		spec, err := Load(withSetting(t, "services", "users", "desiredCount", 3))
		require.NoError(t, err)
		assert.Equal(t, 3, spec.Services["users"].DesiredCount)
		spec, err = Load(withSetting(t, "caches", "sessions", "engine", "redis"))
		require.NoError(t, err)
		assert.Equal(t, Redis, spec.Caches["sessions"].Engine)
		spec, err = Load(withSetting(t, "secrets", "payments-api-key", "description", "the PSP key"))
		require.NoError(t, err)
		assert.Equal(t, "the PSP key", spec.Secrets["payments-api-key"].Description)
	})
}

// TestEveryDefaultPassesItsCheck: a default the table's own check refused would fail every
// stack that leaves the key out.
func TestEveryDefaultPassesItsCheck(t *testing.T) {
	t.Parallel()
	for _, env := range append(Environments, "not-an-environment") {
		for _, s := range []interface{ defaultProblem(Environment) string }{
			natGateways, flowLogRetentionDays, serviceCPU, serviceMemory, serviceDesiredCount, serviceHealthCheckPath,
			databasePort, allocatedStorage, maxAllocatedStorage, backupRetentionDays, multiAZ, cacheEngine, cacheNodeType, cachePort, rateLimit,
		} {
			assert.Empty(t, s.defaultProblem(env), "%T in %s", s, env)
		}
	}
	assert.Equal(t, NATPerAZ, natGateways.Default("not-an-environment"), "an environment that is not valid gets prod's defaults")
}

func (s *Setting[T]) defaultProblem(env Environment) string {
	if s.Check == nil {
		return ""
	}
	return s.Check(s.Default(env))
}

func TestRenderDefault(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "`256`", renderDefault([]int{256, 256, 256}))
	assert.Equal(t, "`1` (dev), `2` (staging, prod)", renderDefault([]int{1, 2, 2}))
	assert.Equal(t, "`single` (dev, staging), `perAz` (prod)", renderDefault([]NATStrategy{NATSingle, NATSingle, NATPerAZ}))
	assert.Equal(t, "`30` (dev), `90` (staging), `365` (prod)", renderDefault([]int{30, 90, 365}))
	assert.True(t, strings.HasPrefix(serviceCPU.doc().Meaning, "The task's CPU"))
}
