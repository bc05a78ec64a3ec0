package platform_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/data"
	"github.com/secure-vpc/secure-vpc/data/bucketpolicy"
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/stack"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/internal/testkit"
)

// guards are the resources every bucket of the program has beside the bucket.
var guards = []string{contract.TypeBucketPAB, contract.TypeBucketOwnership, contract.TypeBucketVersioning, contract.TypeBucketSSE, contract.TypeBucketLifecycle, contract.TypeBucketPolicy}

// assertPrivateBucket checks what every bucket promises: the stack's name prefix and tags, every
// public access block, ACLs disabled, versioning, and protect on the bucket and each guard alike.
func assertPrivateBucket(t *testing.T, p componentPlan, name string, purpose contract.Purpose, protect bool) stackstate.Resource {
	t.Helper()
	bucket := p.one(contract.TypeBucket, name)
	assert.Equal(t, name+"-test-", bucket.Inputs["bucketPrefix"])
	assert.Equal(t, false, bucket.Inputs["forceDestroy"])
	assert.Equal(t, map[string]any{contract.NameTag: "secure-vpc-test-" + name, contract.PurposeTag: string(purpose)}, tags(bucket))
	pab := p.one(contract.TypeBucketPAB, name)
	for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		assert.Equal(t, true, pab.Inputs[k], k)
	}
	assert.Equal(t, "BucketOwnerEnforced", in(p.one(contract.TypeBucketOwnership, name), "rule", "objectOwnership"))
	assert.Equal(t, "Enabled", in(p.one(contract.TypeBucketVersioning, name), "versioningConfiguration", "status"))
	assert.Equal(t, protect, bucket.Protect)
	for _, typ := range guards {
		g := p.one(typ, name)
		assert.Equal(t, bucket.ID, g.Inputs["bucket"], "%s guards its bucket", typ)
		assert.Equal(t, protect, g.Protect, "%s protect", typ)
	}
	return bucket
}

// A Bucket holds user data: encrypted with the data key and a bucket key, logged to the log
// bucket once its policy admits the logs, readable and writable by exactly its services and only
// through the stack's S3 endpoint, and, when kept, with its versions locked after versioning.
func TestBucket(t *testing.T) {
	reader := "arn:aws:iam::123456789012:role/web-bff-task-role-1234567"
	writer := "arn:aws:iam::123456789012:role/users-task-role-1234567"
	const endpoint = "vpce-0123456789abcdef0"
	for _, scope := range []stack.Scope{testScope, protected} {
		lockDays := map[bool]int{false: 0, true: 30}[scope.Protect]
		var out resolved
		p := runAlone(t, func(ctx *pulumi.Context) error {
			policy, err := newStub(ctx, "log-bucket-policy")
			if err != nil {
				return err
			}
			b, err := data.NewBucket(ctx, "uploads", &data.BucketArgs{Scope: scope, DataKeyArn: pulumi.String(dataKey),
				Readers: []data.Reader{{Service: "web-bff", RoleArn: pulumi.String(reader)}}, Writers: []data.Reader{{Service: "users", RoleArn: pulumi.String(writer)}},
				LogBucket: pulumi.String("internal-logs-test-1"), LogBucketPolicy: policy, S3EndpointID: pulumi.String(endpoint), ObjectLockDays: lockDays})
			if err == nil {
				out.watch("name", b.BucketName)
				out.watch("arn", b.Arn)
			}
			return err
		})
		comp := p.component(contract.TypeBucketComp)
		want := map[string]int{contract.TypeBucket: 1, contract.TypeBucketLogging: 1}
		for _, typ := range guards {
			want[typ] = 1
		}
		if lockDays > 0 {
			want[contract.TypeBucketObjectLock] = 1
		}
		assert.Equal(t, want, count(p.children(comp.URN)))
		bucket := assertPrivateBucket(t, p, "uploads", contract.DataPurpose, scope.Protect)
		if lockDays > 0 {
			lock := p.one(contract.TypeBucketObjectLock, "uploads")
			assert.Equal(t, "Enabled", lock.Inputs["objectLockEnabled"])
			assert.Equal(t, "GOVERNANCE", in(lock, "rule", "defaultRetention", "mode"))
			assert.EqualValues(t, 30, in(lock, "rule", "defaultRetention", "days"))
			assert.Contains(t, lock.Dependencies, p.one(contract.TypeBucketVersioning, "uploads").URN, "S3 locks objects only once versioning is on")
			assert.True(t, lock.Protect)
			assert.NotContains(t, bucket.Inputs, "objectLockEnabled", "not the bucket's ForceNew flag: turning the lock on must not replace a bucket")
		}
		sse := p.one(contract.TypeBucketSSE, "uploads")
		assert.Equal(t, map[string]any{"sseAlgorithm": "aws:kms", "kmsMasterKeyId": dataKey}, in(sse, "rules", "0", "applyServerSideEncryptionByDefault"))
		assert.Equal(t, true, in(sse, "rules", "0", "bucketKeyEnabled"))
		logging := p.one(contract.TypeBucketLogging, "uploads")
		assert.Equal(t, "internal-logs-test-1", logging.Inputs["targetBucket"])
		assert.Equal(t, "s3/uploads/", logging.Inputs["targetPrefix"])
		assert.Contains(t, logging.Dependencies, p.one("test:index:Stub", "log-bucket-policy").URN)
		assert.Equal(t, scope.Protect, logging.Protect)
		arn := bucket.Outputs["arn"].(string)
		policy, err := bucketpolicy.DataBucketPolicy(arn, []string{reader}, []string{writer}, endpoint).JSON()
		require.NoError(t, err)
		assert.Equal(t, policy, p.one(contract.TypeBucketPolicy, "uploads").Inputs["policy"], "exactly the readers and writers, through the endpoint")
		assert.Equal(t, bucket.ID, out.get(t, "name"))
		assert.Equal(t, arn, out.get(t, "arn"))
	}
	for _, c := range []struct {
		args func(*data.BucketArgs)
		want string
	}{
		{func(a *data.BucketArgs) { a.Writers = nil }, "at least one reader or writer is required"},
		{func(a *data.BucketArgs) { a.S3EndpointID = nil }, "the S3 endpoint are required"},
		{func(a *data.BucketArgs) { a.ObjectLockDays = -1 }, "negative"},
	} {
		_, err := testkit.ComponentErr(func(ctx *pulumi.Context) error {
			policy, err := newStub(ctx, "log-bucket-policy")
			if err != nil {
				return err
			}
			args := &data.BucketArgs{Scope: testScope, DataKeyArn: pulumi.String(dataKey), LogBucket: pulumi.String("l"), LogBucketPolicy: policy,
				Writers: []data.Reader{{Service: "users", RoleArn: pulumi.String(writer)}}, S3EndpointID: pulumi.String(endpoint)}
			c.args(args)
			_, err = data.NewBucket(ctx, "uploads", args)
			return err
		})
		assert.ErrorContains(t, err, c.want)
	}
}

// The LogBucket is the one SSE-S3 store (ALB and S3 access logging deliver only there): private
// like every bucket, expiring logs, writable only by log delivery for this account.
func TestLogBucket(t *testing.T) {
	for _, scope := range []stack.Scope{testScope, protected} {
		var lb *data.LogBucket
		p := runAlone(t, func(ctx *pulumi.Context) (err error) {
			lb, err = data.NewLogBucket(ctx, "internal-logs", &data.LogBucketArgs{Scope: scope, ELBAccountArn: "arn:aws:iam::156460612806:root", RetentionDays: 90})
			return err
		})
		comp := p.component(contract.TypeLogBucket)
		want := map[string]int{contract.TypeBucket: 1}
		for _, typ := range guards {
			want[typ] = 1
		}
		assert.Equal(t, want, count(p.children(comp.URN)), "no logging of its own")
		bucket := assertPrivateBucket(t, p, "internal-logs", contract.AccessLogsPurpose, scope.Protect)
		sse := p.one(contract.TypeBucketSSE, "internal-logs")
		assert.Equal(t, map[string]any{"sseAlgorithm": "AES256"}, in(sse, "rules", "0", "applyServerSideEncryptionByDefault"), "the documented SSE-S3 exception")
		rules := p.one(contract.TypeBucketLifecycle, "internal-logs").Inputs["rules"].([]any)
		require.Len(t, rules, 2)
		assert.Equal(t, "expire-logs", rules[1].(map[string]any)["id"])
		assert.EqualValues(t, 90, rules[1].(map[string]any)["expiration"].(map[string]any)["days"])
		policy, err := bucketpolicy.LogBucketPolicy(bucket.Outputs["arn"].(string), "123456789012", "arn:aws:iam::156460612806:root").JSON()
		require.NoError(t, err)
		bp := p.one(contract.TypeBucketPolicy, "internal-logs")
		assert.Equal(t, policy, bp.Inputs["policy"])
		assert.NotNil(t, lb.Policy, "load balancers wait for the policy")
	}
}

// databaseArgs is the dev stack's users database.
func databaseArgs(scope stack.Scope) *data.DatabaseArgs {
	return &data.DatabaseArgs{Scope: scope,
		DatabaseSettings: data.DatabaseSettings{Name: "users-db", Engine: "postgres", Version: "16", Owner: "users", InstanceClass: "db.t4g.micro", Port: 5432,
			AllocatedStorage: 20, MaxAllocatedStorage: 100, BackupRetentionDays: 7, MultiAZ: scope.Protect},
		IsolatedSubnetIDs: pulumi.ToStringArray([]string{"subnet-i-a", "subnet-i-b"}), SecurityGroupID: pulumi.String("sg-0db0000000000000"),
		DataKeyArn: pulumi.String(dataKey), SecretsKeyArn: pulumi.String(secretsKey), LogsKeyArn: pulumi.String(logsKey), LogRetentionDays: 30,
		MasterSecretPolicy: pulumi.String(`{"Version":"2012-10-17","Statement":[]}`)}
}

// A Database is PostgreSQL in the isolated subnets: encrypted with the data key, TLS forced, the
// master password kept by RDS under the secrets key, IAM authentication, no public access, logs
// exported to encrypted log groups made first; in production Multi-AZ, deletion protection and a
// final snapshot of its own.
func TestDatabase(t *testing.T) {
	for _, scope := range []stack.Scope{testScope, protected} {
		var out resolved
		p := runAlone(t, func(ctx *pulumi.Context) error {
			d, err := data.NewDatabase(ctx, "users-db", databaseArgs(scope))
			if err == nil {
				out.watch("master", d.MasterSecretArn)
			}
			return err
		})
		comp := p.component(contract.TypeDatabase)
		want := map[string]int{contract.TypeDBSubnetGroup: 1, contract.TypeDBParameterGroup: 1, contract.TypeLogGroup: 2, contract.TypeDBInstance: 1, contract.TypeSecretPolicy: 1}
		if scope.Protect {
			want[contract.TypeTLSPrivateKey] = 1 // the final snapshot's name
		}
		assert.Equal(t, want, count(p.children(comp.URN)))
		nameTags := map[string]any{contract.NameTag: "secure-vpc-test-users-db", contract.OwnerTag: "users"}
		subnets := p.one(contract.TypeDBSubnetGroup, "users-db")
		assert.Equal(t, []any{"subnet-i-a", "subnet-i-b"}, subnets.Inputs["subnetIds"])
		assert.Equal(t, nameTags, tags(subnets))
		params := p.one(contract.TypeDBParameterGroup, "users-db")
		assert.Equal(t, "postgres16", params.Inputs["family"])
		assert.Contains(t, params.Inputs["parameters"], map[string]any{"name": "rds.force_ssl", "value": "1", "applyMethod": "immediate"})
		db := p.one(contract.TypeDBInstance, "users-db")
		for _, kind := range []string{"postgresql", "upgrade"} {
			lg := p.one(contract.TypeLogGroup, "users-db-"+kind)
			assert.Equal(t, "/aws/rds/instance/users-db-test/"+kind, lg.Inputs["name"])
			assert.Equal(t, logsKey, lg.Inputs["kmsKeyId"])
			assert.Contains(t, db.Dependencies, lg.URN, "the log groups exist before RDS would make them")
			assert.Equal(t, scope.Protect, lg.Protect)
		}
		assert.Equal(t, "users-db-test", db.Inputs["identifier"])
		assert.Equal(t, true, db.Inputs["storageEncrypted"])
		assert.Equal(t, dataKey, db.Inputs["kmsKeyId"])
		assert.Equal(t, true, db.Inputs["manageMasterUserPassword"])
		assert.Equal(t, secretsKey, db.Inputs["masterUserSecretKmsKeyId"])
		assert.Nil(t, db.Inputs["password"], "no password in state")
		assert.Equal(t, true, db.Inputs["iamDatabaseAuthenticationEnabled"])
		assert.Equal(t, false, db.Inputs["publiclyAccessible"])
		assert.Equal(t, "users_db", db.Inputs["dbName"])
		assert.Equal(t, subnets.Outputs["name"], db.Inputs["dbSubnetGroupName"])
		assert.Equal(t, params.Outputs["name"], db.Inputs["parameterGroupName"])
		assert.Equal(t, []any{"sg-0db0000000000000"}, db.Inputs["vpcSecurityGroupIds"])
		assert.Equal(t, map[string]any{contract.NameTag: nameTags[contract.NameTag], contract.OwnerTag: "users", contract.MigrationTag: "users-db-migration"}, tags(db),
			"the instance declares its owner and its migration task")
		assert.Equal(t, scope.Protect, db.Inputs["multiAz"])
		assert.Equal(t, scope.Protect, db.Inputs["deletionProtection"])
		assert.Equal(t, !scope.Protect, db.Inputs["skipFinalSnapshot"])
		assert.Equal(t, scope.Protect, db.Protect)
		assert.Equal(t, scope.Protect, subnets.Protect)
		if scope.Protect {
			assert.Regexp(t, `^users-db-test-final-[0-9a-f]{8}$`, db.Inputs["finalSnapshotIdentifier"])
		}
		assert.Regexp(t, `^arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-`, out.get(t, "master"))
		policy := p.one(contract.TypeSecretPolicy, "users-db-master-secret")
		assert.Equal(t, out.get(t, "master"), policy.Inputs["secretArn"], "the policy guards the secret RDS made")
		assert.Equal(t, true, policy.Inputs["blockPublicPolicy"])
		assert.Equal(t, scope.Protect, policy.Protect, "protected with the database")
	}
	bad := databaseArgs(testScope)
	bad.BackupRetentionDays = 3
	_, err := testkit.ComponentErr(func(ctx *pulumi.Context) error {
		_, err := data.NewDatabase(ctx, "users-db", bad)
		return err
	})
	assert.ErrorContains(t, err, "is outside 7-35 days", "backups are kept 7 to 35 days")
}

// A Cache is an ElastiCache replication group in the isolated subnets, encrypted at rest with the
// data key and in transit, that refuses clients without its auth token; in production it has a
// replica in a second AZ with failover, a week of snapshots and protect.
func TestCache(t *testing.T) {
	for _, scope := range []stack.Scope{testScope, protected} {
		// The stack's settings: one node and a day of snapshots in dev, two nodes and a week in
		// staging and prod.
		nodes, snapshots := 1, 1
		if scope.Protect {
			nodes, snapshots = 2, 7
		}
		p := runAlone(t, func(ctx *pulumi.Context) error {
			_, err := data.NewCache(ctx, "sessions", &data.CacheArgs{Scope: scope, Nodes: nodes, SnapshotRetentionDays: snapshots,
				CacheSettings:     data.CacheSettings{Name: "sessions", Engine: data.Valkey, NodeType: "cache.t4g.micro", Port: 6379, Users: []string{"web-bff", "mobile-bff"}},
				IsolatedSubnetIDs: pulumi.ToStringArray([]string{"subnet-i-a", "subnet-i-b"}), SecurityGroupID: pulumi.String("sg-0cache00000000000"),
				DataKeyArn: pulumi.String(dataKey), AuthToken: pulumi.ToSecret(pulumi.String("test-only-token")).(pulumi.StringOutput)})
			return err
		})
		comp := p.component(contract.TypeCacheComp)
		assert.Equal(t, map[string]int{contract.TypeCacheSubnetGroup: 1, contract.TypeCache: 1}, count(p.children(comp.URN)))
		wantTags := map[string]any{contract.NameTag: "secure-vpc-test-sessions", contract.UsersTag: "mobile-bff web-bff"}
		subnets := p.one(contract.TypeCacheSubnetGroup, "sessions")
		assert.Equal(t, wantTags, tags(subnets))
		assert.Equal(t, scope.Protect, subnets.Protect)
		group := p.one(contract.TypeCache, "sessions")
		assert.Equal(t, "sessions-test", group.Inputs["replicationGroupId"])
		assert.Equal(t, "valkey", group.Inputs["engine"])
		assert.Equal(t, "8.0", group.Inputs["engineVersion"])
		assert.Equal(t, true, group.Inputs["atRestEncryptionEnabled"])
		assert.Equal(t, true, group.Inputs["transitEncryptionEnabled"])
		assert.Equal(t, dataKey, group.Inputs["kmsKeyId"])
		assert.True(t, stackstate.IsSecret(group.Inputs["authToken"]), "the token never appears in the plan")
		assert.Equal(t, subnets.Outputs["name"], group.Inputs["subnetGroupName"])
		assert.Equal(t, []any{"sg-0cache00000000000"}, group.Inputs["securityGroupIds"])
		assert.Equal(t, wantTags, tags(group))
		assert.EqualValues(t, nodes, group.Inputs["numCacheClusters"])
		assert.EqualValues(t, snapshots, group.Inputs["snapshotRetentionLimit"])
		assert.Equal(t, scope.Protect, group.Inputs["automaticFailoverEnabled"])
		assert.Equal(t, scope.Protect, group.Inputs["multiAzEnabled"])
		assert.Equal(t, scope.Protect, group.Protect)
	}
	_, err := testkit.ComponentErr(func(ctx *pulumi.Context) error {
		_, err := data.NewCache(ctx, "sessions", &data.CacheArgs{Scope: testScope, Nodes: 1,
			CacheSettings:     data.CacheSettings{Engine: "memcached", Users: []string{"web-bff"}},
			IsolatedSubnetIDs: pulumi.ToStringArray(nil), SecurityGroupID: pulumi.String("sg"), DataKeyArn: pulumi.String(dataKey), AuthToken: pulumi.String("t")})
		return err
	})
	assert.ErrorContains(t, err, "is not valkey or redis", "only valkey and redis")
	_, err = testkit.ComponentErr(func(ctx *pulumi.Context) error {
		_, err := data.NewCache(ctx, "sessions", &data.CacheArgs{Scope: testScope,
			CacheSettings:     data.CacheSettings{Engine: data.Valkey, Users: []string{"web-bff"}},
			IsolatedSubnetIDs: pulumi.ToStringArray(nil), SecurityGroupID: pulumi.String("sg"), DataKeyArn: pulumi.String(dataKey), AuthToken: pulumi.String("t")})
		return err
	})
	assert.ErrorContains(t, err, "0 nodes is outside 1-6", "the nodes are the stack's to give")
}
