package awslimits

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRegions(t *testing.T) {
	assert.Len(t, Regions, 34)
	accountID := regexp.MustCompile(`^[0-9]{12}$`)
	withAccount := 0
	for key, r := range Regions {
		assert.Equal(t, key, r.Name)
		assert.GreaterOrEqual(t, len(r.Zones), 2, key)
		assert.Regexp(t, `^[a-z]+$`, r.Zones, key)
		assert.True(t, slices.IsSorted([]byte(r.Zones)), "%s zones %q are not in letter order", key, r.Zones)
		if r.ELBAccountID != "" {
			assert.Regexp(t, accountID, r.ELBAccountID, key)
			withAccount++
		}
		assert.Equal(t, "aws", PartitionOf(key))
	}
	assert.Equal(t, 22, withAccount, "commercial Regions with a legacy ELB account")

	r, ok := LookupRegion("eu-west-1")
	require.True(t, ok)
	assert.Equal(t, []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"}, r.ZoneNames())
	assert.Equal(t, "156460612806", r.ELBAccountID)
	_, ok = LookupRegion("xx-fake-1")
	assert.False(t, ok)
	_, ok = LookupRegion("us-gov-west-1")
	assert.False(t, ok, "GovCloud is not a commercial Region")

	for _, c := range []struct {
		region, zones, account string
	}{
		{"us-east-1", "abcdef", "127311923021"},
		{"us-west-1", "abc", "027434742980"},
		{"us-west-2", "abcd", "797873946194"},
		{"ap-northeast-1", "abcd", "582318560864"},
		{"ap-northeast-2", "abcd", "600734575887"},
		{"ca-central-1", "abcd", "985666609251"},
		{"eu-central-2", "abc", ""},
		{"mx-central-1", "abc", ""},
		{"il-central-1", "abc", ""},
		{"ap-southeast-3", "abc", "589379963580"},
	} {
		r, ok := LookupRegion(c.region)
		if assert.True(t, ok, c.region) {
			assert.Equal(t, c.zones, r.Zones, c.region)
			assert.Equal(t, c.account, r.ELBAccountID, c.region)
		}
	}
}

func TestHasZone(t *testing.T) {
	for _, c := range []struct {
		region, az string
		want       bool
	}{
		{"eu-west-1", "eu-west-1a", true},
		{"eu-west-1", "eu-west-1c", true},
		{"eu-west-1", "eu-west-1d", false},
		{"eu-west-1", "eu-west-1z", false},
		{"eu-west-1", "eu-west-1", false},
		{"eu-west-1", "eu-west-1ab", false},
		{"eu-west-1", "eu-west-2a", false},
		{"eu-west-1", "eu-west-1A", false},
		{"eu-west-1", "euw1-az1", false},
		{"us-east-1", "us-east-1f", true},
		{"us-east-1", "us-east-1g", false},
		{"us-east-1", "us-east-1-bos-1a", false},
	} {
		r, _ := LookupRegion(c.region)
		assert.Equal(t, c.want, r.HasZone(c.az), c.az)
	}
}

func TestPartitionOf(t *testing.T) {
	for region, want := range map[string]string{
		"eu-west-1":       "aws",
		"mx-central-1":    "aws",
		"us-gov-west-1":   "aws-us-gov",
		"us-gov-east-1":   "aws-us-gov",
		"cn-north-1":      "aws-cn",
		"cn-northwest-1":  "aws-cn",
		"us-iso-east-1":   "aws-iso",
		"us-isob-east-1":  "aws-iso-b",
		"eu-isoe-west-1":  "aws-iso-e",
		"us-isof-south-1": "aws-iso-f",
		"eusc-de-east-1":  "aws-eusc",
		"eusc-fr-east-1":  "",
		"xx-fake-1":       "",
		"sa-west-1":       "", // looks commercial, but not a known Region
		"aws-global":      "",
		"":                "",
	} {
		assert.Equal(t, want, PartitionOf(region), region)
	}
}

func TestPostgresMajors(t *testing.T) {
	var majors []string
	for i, m := range PostgresMajors {
		majors = append(majors, m.Major)
		assert.True(t, m.StandardSupportEnds.Before(m.ExtendedSupportEnds), m.Major)
		assert.Equal(t, time.UTC, m.StandardSupportEnds.Location(), m.Major)
		if i > 0 {
			assert.True(t, PostgresMajors[i-1].StandardSupportEnds.Before(m.StandardSupportEnds), m.Major)
		}
	}
	assert.Equal(t, []string{"11", "12", "13", "14", "15", "16", "17", "18"}, majors)

	date := func(s string) time.Time {
		d, err := time.Parse(time.RFC3339, s)
		require.NoError(t, err)
		return d
	}
	for _, c := range []struct {
		major, at          string
		standard, extended bool
	}{
		{"13", "2026-11-29T00:00:00Z", false, true},
		{"13", "2026-02-28T23:59:59Z", true, false},
		{"13", "2026-03-01T00:00:00Z", false, true},
		{"14", "2026-11-29T00:00:00Z", true, false},
		{"14", "2027-02-28T12:00:00Z", true, false},
		{"14", "2027-03-01T00:00:00Z", false, true},
		{"11", "2027-03-31T23:59:59Z", false, true},
		{"11", "2027-04-01T00:00:00Z", false, false},
		{"16", "2032-02-29T12:00:00Z", false, true},
		{"18", "2026-11-29T00:00:00Z", true, false},
	} {
		m, ok := LookupPostgresMajor(c.major)
		require.True(t, ok, c.major)
		assert.Equal(t, c.standard, m.InStandardSupport(date(c.at)), "%s standard at %s", c.major, c.at)
		assert.Equal(t, c.extended, m.InExtendedSupport(date(c.at)), "%s extended at %s", c.major, c.at)
	}
	for _, gone := range []string{"9.6", "10", "19", "16.3", ""} {
		_, ok := LookupPostgresMajor(gone)
		assert.False(t, ok, gone)
	}
	assert.Equal(t, []string{"14", "15", "16", "17", "18"}, StandardSupportMajors(date("2026-11-29T00:00:00Z")))
	assert.Equal(t, []string{"15", "16", "17", "18"}, StandardSupportMajors(date("2027-03-01T00:00:00Z")))
}

func TestCheckDBInstanceClass(t *testing.T) {
	for _, c := range []struct {
		class, major string
		wantErr      string // "" = valid
	}{
		{"db.t4g.micro", "16", ""},
		{"db.t4g.micro", "", ""},
		{"db.m7g.large", "17", ""},
		{"db.r7g.2xlarge", "18", ""},
		{"db.t3.micro", "11", ""},
		{"db.m8g.48xlarge", "17", ""},
		{"db.x2idn.16xlarge", "15", ""},
		{"db.r6idn.xlarge", "16", ""},
		{"db.x99.mega", "16", "db.x99.mega is not an RDS for PostgreSQL instance class; use one such as db.t4g.micro, db.m7g.large or db.r7g.large"},
		{"t4g.micro", "16", "is not an RDS for PostgreSQL instance class"},
		{"cache.t4g.micro", "16", "is not an RDS for PostgreSQL instance class"},
		{"db.t4g.mega", "16", "db.t4g has no size mega; use one of micro, small, medium, large, xlarge, 2xlarge"},
		{"db.t4g", "16", "db.t4g needs a size; use one of micro"},
		{"db.r6idn.large", "16", "db.r6idn has no size large"},
		{"db.m7g.micro", "16", "db.m7g has no size micro"},
		{"db.t2.micro", "16", "db.t2 is deprecated (previous generation); use a current family such as db.t4g"},
		{"db.r4.large", "16", "db.r4 is deprecated (previous generation); use a current family such as db.r7g"},
		{"db.m4.large", "16", "db.m4 is deprecated (previous generation); use a current family such as db.m7g"},
		{"db.c6gd.large", "16", "db.c6gd is for Multi-AZ DB clusters only"},
		{"db.x1e.xlarge", "16", "db.x1e is not offered for PostgreSQL"},
		{"db.z1d.large", "16", "db.z1d is not offered for PostgreSQL"},
		{"db.x2idn.16xlarge", "16", "db.x2idn does not run PostgreSQL 16; use it with PostgreSQL 13, 14 or 15, or another family"},
		{"db.m8g.large", "12", "db.m8g does not run PostgreSQL 12"},
		{"db.t4g.micro", "11", "db.t4g does not run PostgreSQL 11"},
	} {
		err := CheckDBInstanceClass(c.class, c.major)
		if c.wantErr == "" {
			assert.NoError(t, err, c.class)
		} else if assert.Error(t, err, c.class) {
			assert.Contains(t, err.Error(), c.wantErr, c.class)
		}
	}
}

func TestDBInstanceFamilies(t *testing.T) {
	for name, f := range DBInstanceFamilies {
		assert.True(t, strings.HasPrefix(name, "db.") && strings.Count(name, ".") == 1, name)
		if f.NotOffered == "" {
			assert.NotEmpty(t, f.Sizes, name)
		}
		for _, m := range f.Majors {
			_, ok := LookupPostgresMajor(m)
			assert.True(t, ok, "%s lists unknown major %s", name, m)
		}
		assert.True(t, slices.IsSorted(f.Majors), name)
	}
}

func TestCheckDatabaseName(t *testing.T) {
	for _, c := range []struct {
		name, wantErr string
	}{
		{"users_db", ""},
		{"orders", ""},
		{"a", ""},
		{"db2", ""},
		{strings.Repeat("d", 63), ""},
		{"user", "user is a PostgreSQL reserved word"},
		{"select", "select is a PostgreSQL reserved word"},
		{"system_user", "reserved word"},
		{"verbose", "reserved word"},
		{"template1", "template1 is a database every RDS for PostgreSQL instance already has"},
		{"template0", "already has"},
		{"postgres", "already has"},
		{"rdsadmin", "already has"},
		{"Users", "must start with a lowercase letter"},
		{"usersDb", "may hold only lowercase letters, digits and underscores"},
		{"users-db", "may hold only lowercase letters, digits and underscores"},
		{"1users", "must start with a lowercase letter"},
		{"_users", "must start with a lowercase letter"},
		{"", "must not be empty"},
		{strings.Repeat("d", 64), "at most 63"},
	} {
		err := CheckDatabaseName(c.name)
		if c.wantErr == "" {
			assert.NoError(t, err, c.name)
		} else if assert.Error(t, err, c.name) {
			assert.Contains(t, err.Error(), c.wantErr, c.name)
		}
	}
	assert.Len(t, PostgresReservedKeywords, 78+23)
	for _, ok := range []string{"name", "status", "type", "value", "password", "admin", "users"} {
		assert.False(t, PostgresReservedKeywords[ok], "%s is not reserved (unreserved or column-name keyword)", ok)
	}
}

func TestCheckRoleName(t *testing.T) {
	for _, c := range []struct {
		name, wantErr string
	}{
		{"users", ""},
		{"users_app", ""},
		{"pgadmin", ""},
		{"rds", ""},
		{"user", "user is a PostgreSQL reserved word"},
		{"current_user", "reserved word"},
		{"pg_x", "pg_x starts with pg_"},
		{"pg_monitor", "starts with pg_"},
		{"rds_iam", "rds_iam starts with rds_"},
		{"rds_superuser", "starts with rds_"},
		{"rdsadmin", "rdsadmin is a role RDS creates for itself"},
		{"rdstopmgr", "RDS creates for itself"},
		{"public", "public is a role name PostgreSQL reserves"},
		{"none", "PostgreSQL reserves"},
		{"Users", "lowercase"},
		{"", "must not be empty"},
		{strings.Repeat("r", 64), "at most 63"},
	} {
		err := CheckRoleName(c.name)
		if c.wantErr == "" {
			assert.NoError(t, err, c.name)
		} else if assert.Error(t, err, c.name) {
			assert.Contains(t, err.Error(), c.wantErr, c.name)
		}
	}
}

func TestCheckCacheNodeType(t *testing.T) {
	for _, c := range []struct {
		nodeType, region, wantErr string
	}{
		{"cache.t4g.micro", "eu-west-1", ""},
		{"cache.t4g.micro", "", ""},
		{"cache.r7g.16xlarge", "us-east-1", ""},
		{"cache.c7gn.large", "eu-west-1", ""},
		{"cache.m7g.large", "mx-central-1", ""},
		{"cache.t3.small", "ap-southeast-7", ""},
		{"cache.m5.large", "mx-central-1", "cache.m5 is not offered in mx-central-1; use one of cache.m7g, cache.r7g, cache.t3, cache.t4g"},
		{"cache.c7gn.large", "ap-southeast-7", "cache.c7gn is not offered in ap-southeast-7"},
		{"cache.t2.micro", "eu-west-1", "cache.t2 is no longer offered for new clusters; use a current family such as cache.t4g"},
		{"cache.r6gd.xlarge", "eu-west-1", "cache.r6gd needs data tiering, which this program does not enable; use a current family such as cache.r7g"},
		{"cache.m3.medium", "eu-west-1", "cache.m3 is previous generation; use a current family such as cache.m7g"},
		{"cache.t1.micro", "eu-west-1", "cache.t1 is previous generation"},
		{"cache.x.y", "eu-west-1", "cache.x.y is not an ElastiCache node type; use one such as cache.t4g.micro, cache.m7g.large or cache.r7g.large"},
		{"db.t4g.micro", "eu-west-1", "is not an ElastiCache node type"},
		{"cache.t4g.large", "eu-west-1", "cache.t4g has no size large; use one of micro, small, medium"},
		{"cache.m5.8xlarge", "eu-west-1", "cache.m5 has no size 8xlarge"},
		{"cache.r6g", "eu-west-1", "cache.r6g needs a size"},
	} {
		err := CheckCacheNodeType(c.nodeType, c.region)
		if c.wantErr == "" {
			assert.NoError(t, err, c.nodeType)
		} else if assert.Error(t, err, c.nodeType) {
			assert.Contains(t, err.Error(), c.wantErr, c.nodeType)
		}
	}
	for region, families := range CacheFamiliesByRegion {
		_, ok := LookupRegion(region)
		assert.True(t, ok, region)
		for _, f := range families {
			assert.Empty(t, CacheNodeFamilies[f].NotOffered, f)
		}
	}
}

func TestMinMaxAllocatedStorage(t *testing.T) {
	for allocated, want := range map[int]int{20: 22, 1000: 1100, 21: 24, 100: 110, 10: 11, 65536: 72090} {
		assert.Equal(t, want, MinMaxAllocatedStorage(allocated), allocated)
	}
}

func TestQuotas(t *testing.T) {
	assert.Equal(t, "Secrets Manager resource policy size (20480 characters)", SecretPolicyChars.String())
	assert.Equal(t, "IAM roles per account (1000)", IAMRolesPerAccount.String())
	for _, c := range []struct {
		q          Quota
		limit      int
		adjustable bool
	}{
		{SecretPolicyChars, 20480, false},
		{RoleInlinePolicyChars, 10240, false},
		{BucketPolicyBytes, 20480, false},
		{IAMRolesPerAccount, 1000, true},
		{SecurityGroupsPerRegion, 2500, true},
		{RulesPerSecurityGroup, 60, true},
		{SecurityGroupsPerInterface, 5, true},
		{RulesPerNetworkACL, 20, true},
		{ALBsPerRegion, 50, true},
		{TargetGroupsPerRegion, 3000, true},
		{WebACLsPerRegion, 100, true},
		{ElasticIPsPerRegion, 5, true},
		{NATGatewaysPerAZ, 5, true},
		{CloudMapInstancesPerNamespace, 2000, true},
		{CloudMapInstancesPerService, 1000, false},
		{InterfaceEndpointsPerVPC, 50, true},
	} {
		assert.Equal(t, c.limit, c.q.Limit, c.q.Name)
		assert.Equal(t, c.adjustable, c.q.Adjustable, c.q.Name)
		assert.True(t, strings.HasPrefix(c.q.Source, "https://docs.aws.amazon.com/"), c.q.Name)
	}
	assert.Equal(t, MaxGroupsPerInterface, SecurityGroupsPerInterface.Limit)
}

func TestFargateSizes(t *testing.T) {
	for _, c := range []struct {
		cpu, memory int
		want        bool
	}{
		{256, 512, true},
		{256, 1024, true},
		{256, 2048, true},
		{256, 1536, false},
		{256, 3072, false},
		{512, 1024, true},
		{512, 4096, true},
		{512, 512, false},
		{512, 1536, false},
		{1024, 2048, true},
		{1024, 8192, true},
		{1024, 9216, false},
		{2048, 16384, true},
		{4096, 30720, true},
		{4096, 31744, false},
		{8192, 16384, true},
		{8192, 20480, true},
		{8192, 17408, false},
		{16384, 32768, true},
		{16384, 122880, true},
		{16384, 36864, false},
		{128, 512, false},
		{1000, 2048, false},
		{1024, 3072, true},
		{4096, 8000, false},
		{8192, 18432, false},
		{300, 1024, false},
	} {
		assert.Equal(t, c.want, ValidFargateSize(c.cpu, c.memory), "%d/%d", c.cpu, c.memory)
	}
	for cpu, want := range map[int]string{
		256:   "512, 1024 or 2048",
		1024:  "2048 to 8192 in steps of 1024",
		8192:  "16384 to 61440 in steps of 4096",
		16384: "32768 to 122880 in steps of 8192",
		300:   "",
	} {
		assert.Equal(t, want, FargateMemoryChoices(cpu), cpu)
	}
}

func TestCheckBucketName(t *testing.T) {
	assert.Equal(t, "internal-", LoadBalancerReservedPrefix)
	for _, c := range []struct {
		name, wantErr string
	}{
		{"users-logs-dev-1234567", ""},
		{"my.bucket.example", ""},
		{"abc", ""},
		{strings.Repeat("b", 63), ""},
		{"sthree-x-dev-1234567", "begins with sthree-, which S3 reserves"},
		{"amzn-s3-demo-x", "begins with amzn-s3-demo-"},
		{"xn--bcher-kva", "begins with xn--"},
		{"logs-s3alias", "ends with -s3alias"},
		{"logs--ol-s3", "ends with --ol-s3"},
		{"logs.mrap", "ends with .mrap"},
		{"logs--x-s3", "ends with --x-s3"},
		{"logs--table-s3", "ends with --table-s3"},
		{"logs-111122223333-us-west-2-an", "ends with -an"},
		{"ab", "is 2 characters; S3 takes 3-63"},
		{strings.Repeat("b", 64), "3-63"},
		{"Logs-dev", "only lowercase letters, digits, dots and hyphens"},
		{"logs_dev", "only lowercase letters"},
		{"-logs", "must begin and end with a letter or digit"},
		{"logs.", "must begin and end with a letter or digit"},
		{"logs..dev", "two adjacent dots"},
		{"192.168.5.4", "formatted as an IP address"},
	} {
		err := CheckBucketName(c.name)
		if c.wantErr == "" {
			assert.NoError(t, err, c.name)
		} else if assert.Error(t, err, c.name) {
			assert.Contains(t, err.Error(), c.wantErr, c.name)
		}
	}
}
