package platform

import (
	"fmt"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/network/netplan"
	"github.com/secure-vpc/secure-vpc/secrets"
)

// This file is the one declaration of the stack config: every key with whether it is required,
// its default (by environment where it differs), its unit and its meaning. The loader takes its
// defaults and range checks from here, the README's config reference is rendered from it, and
// Pulumi.yaml's `config:` block is checked against it (settings_test.go).

// KeyDoc is one row of the config reference.
type KeyDoc struct {
	Key      string // below the project namespace ("services.<name>.cpu"), or aws:region
	Required string // "yes", "no", or when it is ("staging, prod")
	Default  string // as the reference shows it (Markdown); "" when the key has none
	Unit     string // what the value counts ("MiB", "days"); "" when it is not a quantity
	Meaning  string // Markdown, one paragraph
}

// Setting is a key the loader defaults by environment and checks: its default, unit, meaning
// and the values it accepts are declared here once.
type Setting[T comparable] struct {
	Key      string // as in KeyDoc; "" for a project decision, which no key overrides
	Required string // as in KeyDoc; "no" when empty
	Dev      T      // the default of a dev stack
	Staging  T      // of a staging stack
	Prod     T      // of a prod stack (and of a stack whose environment is not valid)
	Unit     string
	Meaning  string
	// DefaultText replaces the rendered default in the reference, where the default is derived
	// from other settings.
	DefaultText string
	// Check returns why the key does not accept a value ("" when it does), as the problem
	// reported under the key; nil accepts any value of T. Every default passes it.
	Check func(T) string
}

// Default is the setting's default in an environment; a stack whose environment is not valid
// gets prod's, the safest.
func (s *Setting[T]) Default(env Environment) T {
	switch env {
	case Dev:
		return s.Dev
	case Staging:
		return s.Staging
	}
	return s.Prod
}

// resolve is the setting's value in an entry of the config: its default in env, replaced by
// the config's value when set is not nil, then checked. A value the check refuses is reported
// under <entryKey>.<field> and still returned, so that later checks see what the config says.
func (s *Setting[T]) resolve(entryKey string, env Environment, set *T, ps *problems) T {
	v := s.Default(env)
	if set != nil {
		v = *set
	}
	if s.Check != nil {
		if problem := s.Check(v); problem != "" {
			ps.add(entryKey+"."+s.field(), "%s", problem)
		}
	}
	return v
}

// field is the last segment of the setting's key ("cpu" of services.<name>.cpu).
func (s *Setting[T]) field() string { return s.Key[strings.LastIndex(s.Key, ".")+1:] }

func (s *Setting[T]) doc() KeyDoc {
	d := KeyDoc{Key: s.Key, Required: s.Required, Default: s.DefaultText, Unit: s.Unit, Meaning: s.Meaning}
	if d.Required == "" {
		d.Required = "no"
	}
	if d.Default == "" {
		d.Default = renderDefault([]T{s.Dev, s.Staging, s.Prod})
	}
	return d
}

func (d KeyDoc) doc() KeyDoc { return d }

// documented is a row of the reference: a KeyDoc, or a Setting that renders one.
type documented interface{ doc() KeyDoc }

// renderDefault shows one default ("`256`"), or each with its environments ("`1` (dev), `2`
// (staging, prod)").
func renderDefault[T comparable](byEnv []T) string {
	envs := []Environment{Dev, Staging, Prod}
	var order []T
	where := map[T][]string{}
	for i, v := range byEnv {
		if _, seen := where[v]; !seen {
			order = append(order, v)
		}
		where[v] = append(where[v], string(envs[i]))
	}
	if len(order) == 1 {
		return fmt.Sprintf("`%v`", order[0])
	}
	parts := make([]string, len(order))
	for i, v := range order {
		parts[i] = fmt.Sprintf("`%v` (%s)", v, strings.Join(where[v], ", "))
	}
	return strings.Join(parts, ", ")
}

// given is a pointer to v, or nil when v is the zero value: a string setting the config leaves
// empty takes its default.
func given[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

// outOfRange is a Check that accepts min to max, and otherwise says so in the words of problem,
// a format with one %d verb for the value.
func outOfRange(min, max int, problem string) func(int) string {
	return func(v int) string {
		if v < min || v > max {
			return fmt.Sprintf(problem, v)
		}
		return ""
	}
}

// The settings of the network.
var (
	natGateways = &Setting[NATStrategy]{
		Key: "network.natGateways", Dev: NATSingle, Staging: NATSingle, Prod: NATPerAZ,
		Meaning: "`none` (endpoints only), `single` (one NAT, first AZ) or `perAz`. `none` refuses any service with `egress` destinations.",
		Check: func(v NATStrategy) string {
			switch v {
			case NATNone, NATSingle, NATPerAZ:
				return ""
			}
			return fmt.Sprintf("%q is not a NAT strategy; use none, single or perAz", string(v))
		},
	}
	dnsFirewallFailOpen = &Setting[bool]{
		Key: "network.dnsFirewallFailOpen", Dev: false, Staging: false, Prod: false,
		Meaning: "`true` lets the VPC's DNS queries through while Route 53 Resolver DNS Firewall cannot evaluate them (fail open, `FirewallFailOpen: ENABLED`); `false` blocks them (fail closed). Refused in staging and prod.",
	}
	flowLogRetentionDays = &Setting[int]{
		Key: "network.flowLogRetentionDays", Dev: 30, Staging: 90, Prod: 365, Unit: "days",
		Meaning: "A retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...). It is the retention of every log of the stack: flow logs, service, database, WAF and ECS Exec log groups, and the access-log bucket's expiry.",
		Check: func(days int) string {
			if !awslimits.ValidLogRetention(days) {
				return fmt.Sprintf("%d is not a retention CloudWatch Logs accepts; use one of %s", days, ints(awslimits.LogRetentionDays))
			}
			return ""
		},
	}
)

// The loader's own bounds, narrower than AWS's: a service runs at least one task and at most
// maxTasks, and a database keeps at least a week of backups (AWS would accept 0, no backups).
const (
	minTasks, maxTasks     = 1, 100
	minBackupRetentionDays = 7
)

// The settings of a service.
var (
	serviceCPU = &Setting[int]{
		Key: "services.<name>.cpu", Dev: 256, Staging: 256, Prod: 256, Unit: "CPU units",
		Meaning: "The task's CPU, a Fargate task size (" + awslimits.FargateCPUChoices() + "; 1024 is one vCPU).",
	}
	serviceMemory = &Setting[int]{
		Key: "services.<name>.memory", Dev: 512, Staging: 512, Prod: 512, Unit: "MiB",
		Meaning: "The task's memory, one Fargate pairs with `cpu` (256 takes " + awslimits.FargateMemoryChoices(256) + ").",
	}
	serviceDesiredCount = &Setting[int]{
		Key: "services.<name>.desiredCount", Dev: 1, Staging: 2, Prod: 2, Unit: "tasks",
		Meaning: fmt.Sprintf("Tasks to run, %d-%d.", minTasks, maxTasks),
		Check:   outOfRange(minTasks, maxTasks, "%d is out of range; run "+fmt.Sprintf("%d to %d", minTasks, maxTasks)+" tasks"),
	}
	serviceHealthCheckPath = &Setting[string]{
		Key: "services.<name>.healthCheckPath", Dev: "/healthz", Staging: "/healthz", Prod: "/healthz",
		Meaning: "A BFF's only: the path its load balancer checks over HTTPS. Refused on a private service, which no load balancer checks.",
	}
)

// The settings of a database.
var (
	databasePort = &Setting[int]{
		Key: "databases.<name>.port", Dev: 5432, Staging: 5432, Prod: 5432,
		Meaning: fmt.Sprintf("The port the instance listens on, %d-%d.", awslimits.PostgresPorts.Lowest, awslimits.PostgresPorts.Highest),
		Check:   portCheck(awslimits.PostgresPorts),
	}
	allocatedStorage = &Setting[int]{
		Key: "databases.<name>.allocatedStorage", Dev: 20, Staging: 20, Prod: 20, Unit: "GiB",
		Meaning: fmt.Sprintf("Storage (gp3), %d to %d.", awslimits.PostgresGP3StorageGiB.Min, awslimits.PostgresGP3StorageGiB.Max),
		Check: outOfRange(awslimits.PostgresGP3StorageGiB.Min, awslimits.PostgresGP3StorageGiB.Max,
			"%d GiB is out of range; use "+fmt.Sprintf("%d to %d", awslimits.PostgresGP3StorageGiB.Min, awslimits.PostgresGP3StorageGiB.Max)),
	}
	// maxAllocatedStorage's default follows allocatedStorage (loadDatabases derives it): only its
	// base value and its documentation are here.
	maxAllocatedStorage = &Setting[int]{
		Key: "databases.<name>.maxAllocatedStorage", Dev: 100, Staging: 100, Prod: 100, Unit: "GiB",
		DefaultText: "`100`, or 10% above `allocatedStorage` if higher, or `0` where that cannot fit",
		Meaning:     fmt.Sprintf("The storage autoscaling ceiling: at least 10%% above `allocatedStorage` and at most %d, or 0 to turn autoscaling off.", awslimits.PostgresGP3StorageGiB.Max),
	}
	backupRetentionDays = &Setting[int]{
		Key: "databases.<name>.backupRetentionDays", Dev: 7, Staging: 14, Prod: 30, Unit: "days",
		Meaning: fmt.Sprintf("Automated backups to keep, %d-%d.", minBackupRetentionDays, awslimits.BackupRetentionDays.Max),
		Check: outOfRange(minBackupRetentionDays, awslimits.BackupRetentionDays.Max,
			"%d is out of range; keep "+fmt.Sprintf("%d to %d", minBackupRetentionDays, awslimits.BackupRetentionDays.Max)+" days of backups"),
	}
	multiAZ = &Setting[bool]{
		Key: "databases.<name>.multiAz", Dev: false, Staging: true, Prod: true,
		Meaning: "A standby instance in another zone, which RDS fails over to.",
	}
)

// The settings of a cache.
var (
	cacheEngine = &Setting[CacheEngine]{
		Key: "caches.<name>.engine", Dev: Valkey, Staging: Valkey, Prod: Valkey,
		Meaning: "`valkey` or `redis`.",
		Check: func(e CacheEngine) string {
			if e != Valkey && e != Redis {
				return fmt.Sprintf("%q is not supported; use valkey or redis", string(e))
			}
			return ""
		},
	}
	cacheNodeType = &Setting[string]{
		Key: "caches.<name>.nodeType", Dev: "cache.t4g.micro", Staging: "cache.t4g.micro", Prod: "cache.t4g.micro",
		Meaning: "A current ElastiCache node type offered in the stack's region; `cache.t2` and older generations are refused.",
	}
	cachePort = &Setting[int]{
		Key: "caches.<name>.port", Dev: 6379, Staging: 6379, Prod: 6379,
		Meaning: fmt.Sprintf("The port the cache listens on, %d-%d.", awslimits.CachePorts.Lowest, awslimits.CachePorts.Highest),
		Check:   portCheck(awslimits.CachePorts),
	}
)

// The settings of the BFFs' edge.
var rateLimit = &Setting[int]{
	Key: "edge.rateLimit", Dev: 1000, Staging: 1000, Prod: 1000, Unit: "requests per 5 minutes per client IP",
	Meaning: fmt.Sprintf("The WAF rate limit of each BFF, %d to %d.", awslimits.WAFRateLimit.Min, awslimits.WAFRateLimit.Max),
	Check: outOfRange(awslimits.WAFRateLimit.Min, awslimits.WAFRateLimit.Max,
		"%d is out of range; WAF rate limits take "+fmt.Sprintf("%d to %d", awslimits.WAFRateLimit.Min, awslimits.WAFRateLimit.Max)+" requests per 5 minutes per IP"),
}

// The project's decisions: defaults the environment selects and no config key overrides, so that
// the environment stays the one switch for cost and blast radius (a stack that needs another value
// changes its environment, or this table). They are settings without a key: Load puts them in the
// Spec, the components receive them as explicit values, and the README's "Environment defaults"
// table shows them beside the keys' defaults (EnvironmentDefaults).
var (
	protect = &Setting[bool]{
		Dev: false, Staging: true, Prod: true,
		Meaning: "Pulumi's protect on the stateful resources (keys, log groups, databases, caches, buckets, secrets, roles) and AWS deletion protection (databases, load balancers): a database then keeps its automated backups and takes a final snapshot when deleted.",
	}
	cacheNodes = &Setting[int]{
		Dev: 1, Staging: 2, Prod: 2, Unit: "nodes",
		Meaning: "The nodes of each cache (ElastiCache's numCacheClusters): with two, a replica in a second zone, automatic failover and Multi-AZ.",
	}
	cacheSnapshotRetentionDays = &Setting[int]{
		Dev: 1, Staging: 7, Prod: 7, Unit: "days",
		Meaning: "The daily snapshots each cache keeps.",
	}
	secretRecoveryWindowDays = &Setting[int]{
		Dev: 7, Staging: 30, Prod: 30, Unit: "days",
		Meaning: "How long a deleted secret can be restored.",
	}
	// bucketObjectLockDays follows protect: a stack that keeps its stores keeps every version of
	// their objects for at least this long; dev stays deletable (S3 never turns Object Lock off).
	bucketObjectLockDays = &Setting[int]{
		Dev: 0, Staging: 7, Prod: 30, Unit: "days",
		Meaning: "The default retention of S3 Object Lock in governance mode on the data buckets (0: off): no version of an object can be deleted, or its retention shortened, before it ends.",
	}
	healthCheckGraceSeconds = &Setting[int]{
		Dev: 60, Staging: 60, Prod: 60, Unit: "seconds",
		Meaning: "How long ECS ignores the load balancer's health checks of a BFF's new task while it starts.",
	}
)

// EnvironmentDefault is a row of the README's "Environment defaults" table: a setting's value in
// dev, staging and prod, as the table shows it ("no", "30 days", "1 node").
type EnvironmentDefault struct {
	Row                string
	Dev, Staging, Prod string
}

// EnvironmentDefaults are the rows of the README's "Environment defaults" table, in its order:
// the keys whose defaults differ by environment, then the project's decisions.
func EnvironmentDefaults() []EnvironmentDefault {
	return []EnvironmentDefault{
		natGateways.row("NAT gateways"),
		flowLogRetentionDays.row("Flow log retention"),
		multiAZ.row("Database Multi-AZ"),
		backupRetentionDays.row("Database backups"),
		serviceDesiredCount.row("Tasks per service"),
		protect.row("Database deletion protection, final snapshot"),
		cacheNodes.row("Cache replicas (automatic failover, Multi-AZ)"),
		cacheSnapshotRetentionDays.row("Cache snapshots kept"),
		secretRecoveryWindowDays.row("Secrets recovery window"),
		bucketObjectLockDays.row("Object Lock (governance) retention of data buckets"),
		healthCheckGraceSeconds.row("Health-check grace of a BFF's new task"),
		protect.row("Pulumi `protect` on stores (keys, databases, buckets, caches, secrets, log groups) and what guards them"),
	}
}

// row is the setting as a row of the environment defaults table: a flag as no or yes, a quantity
// with its unit (singular for 1).
func (s *Setting[T]) row(name string) EnvironmentDefault {
	show := func(v T) string {
		switch b := any(v).(type) {
		case bool:
			return map[bool]string{false: "no", true: "yes"}[b]
		case int:
			if s.Unit == "" {
				return fmt.Sprint(b)
			}
			if b == 1 {
				return fmt.Sprintf("%d %s", b, strings.TrimSuffix(s.Unit, "s"))
			}
			return fmt.Sprintf("%d %s", b, s.Unit)
		}
		return fmt.Sprint(v)
	}
	return EnvironmentDefault{Row: name, Dev: show(s.Dev), Staging: show(s.Staging), Prod: show(s.Prod)}
}

// portCheck accepts the ports of a range, and refuses any other as checkPort does.
func portCheck(r awslimits.PortRange) func(int) string {
	return func(port int) string { return portProblem(port, r) }
}

// Reference is the config reference, in the order the README shows it.
func Reference() []KeyDoc {
	rows := []documented{
		KeyDoc{Key: keyRegion, Required: "yes", Meaning: "AWS commercial region of the stack, e.g. `eu-west-1` (one of the 34 the catalogue lists, but `ap-east-2` and `ap-southeast-6`, which the pinned AWS provider does not know yet). Regions of other partitions (`us-gov-*`, `cn-*`, `eusc-*`, ISO) are refused: the program writes commercial ARNs, endpoints and principals."},
		KeyDoc{Key: keyEnvironment, Required: "yes", Meaning: "`dev`, `staging` or `prod`; selects the defaults below."},
		KeyDoc{Key: "network.cidr", Required: "yes", Meaning: fmt.Sprintf("Private IPv4 block (inside 10/8, 172.16/12 or 192.168/16), a /%d to /%d, written as its network address.", netplan.MinVPCPrefix, netplan.MaxVPCPrefix)},
		KeyDoc{Key: "network.availabilityZones", Required: "yes", Meaning: fmt.Sprintf("%d or %d distinct zones of `aws:region` (a letter the region has, e.g. `eu-west-1a`-`c`). Append only.", minAZs, netplan.MaxAZs)},
		natGateways,
		flowLogRetentionDays,
		dnsFirewallFailOpen,
		KeyDoc{Key: "network.connectedCidrs", Required: "no", Meaning: "Networks the VPC will be peered or connected with; the VPC CIDR must not overlap them."},
		KeyDoc{Key: "services.<name>", Required: "yes (one or more)", Meaning: "A service. `<name>`: lowercase letters, digits, single hyphens; at most 20 characters for a BFF (the ALB name derived from it must fit in 32); a private service's name is limited by its IAM role names (64) and its certificate's common name, `<service>.<stack>.secure-vpc.internal` (64 by RFC 5280): 40 characters with a 3-letter stack name (the loader says the limit). A BFF's name must not begin with `internal-` (ELB reserves it). Names that would give one of a service's variables the same name twice (`BUCKET_X_URL` from a bucket `x-url` and a callee `bucket-x`), or two firewall rules one name (names with `-to-` in them), are refused."},
		KeyDoc{Key: "services.<name>.public", Required: "no", Default: "`false`", Meaning: "`true` marks a BFF: the only kind of service with an internet-facing load balancer. Nobody may call a BFF, and a BFF never owns a database."},
		KeyDoc{Key: "services.<name>.port", Required: "yes", Meaning: fmt.Sprintf("TCP port the service listens on (TLS), %d-%d: its non-root user cannot bind below %[1]d.", awslimits.TaskPorts.Lowest, awslimits.TaskPorts.Highest)},
		KeyDoc{Key: "services.<name>.image", Required: "yes, or `imageTag`", Meaning: "`<repository>:<tag>` or `<repository>@sha256:<digest>`; `latest` is refused. An image from anywhere but ECR in the stack's region needs every host name its registry is pulled from among the service's `egress` destinations (Docker Hub: `auth.docker.io`, `registry-1.docker.io`, `production.cloudflare.docker.com` and its R2 layer host; ECR of another region: the registry, `api.ecr.<region>.amazonaws.com`, `prod-<region>-starport-layer-bucket.s3.<region>.amazonaws.com`; any other: the registry's host); one in another account's ECR of the stack's region is refused (the VPC endpoints admit only this account's repositories). In staging and prod it must be pinned by digest (`@sha256:`); use `imageTag` for the stack's own repository."},
		KeyDoc{Key: "services.<name>.imageTag", Required: "yes, or `image`", Meaning: "A tag (not `latest`) or a `sha256:<digest>` of an image in the service's own ECR repository of the stack, `<account>.dkr.ecr.<region>.amazonaws.com/secure-vpc-<stack>/<name>` (output `imageRepositoryUrls`): KMS-encrypted, tags immutable, scanned on push. Exclusive with `image`; accepted in every environment. See Images."},
		KeyDoc{Key: "services.<name>.calls", Required: "no", Meaning: "Services it may call. Each must exist, must not be itself or a BFF."},
		KeyDoc{Key: "services.<name>.egress", Required: "no", Meaning: "The host names on the internet the service calls over HTTPS, e.g. `[api.payments.example, \"*.stripe.com\"]`: lowercase names of two labels or more, a wildcard only as the whole first label, never a bare `*` or an IP address. Any destination lets the service reach the internet (HTTPS, through NAT; needs `network.natGateways` other than `none`)."},
		KeyDoc{Key: "services.<name>.internetEgress", Required: "no", Meaning: "Replaced by `egress`: `true` is refused (it opened HTTPS to any address), `false` is accepted and does nothing."},
		serviceCPU,
		serviceMemory,
		serviceDesiredCount,
		serviceHealthCheckPath,
		KeyDoc{Key: "databases.<name>", Required: "no", Meaning: "A PostgreSQL database. The PostgreSQL database in it is named after the entry with underscores for hyphens, so a PostgreSQL reserved word (`user`, `select`, ...) or an existing database (`postgres`, `template1`, `rdsadmin`) is refused. At most 41 characters: its migration task's IAM role names, `<name>-migration-exec` and `-task`, must fit in 64 with Pulumi's suffix."},
		KeyDoc{Key: "databases.<name>.engine", Required: "yes", Meaning: "`postgres`."},
		KeyDoc{Key: "databases.<name>.version", Required: "yes", Meaning: "A PostgreSQL major in RDS standard support (14-18 on 2026-11-29; the catalogue holds each major's dates, and a major is refused from the day after its standard support ends)."},
		KeyDoc{Key: "databases.<name>.extendedSupport", Required: "no", Default: "`false`", Meaning: "`true` accepts a major past standard support, on paid RDS Extended Support, until that ends (RDS enrols every instance in Extended Support by default, so a running database whose major leaves standard support starts to bill: the plan says so six months before, and refuses the major after)."},
		KeyDoc{Key: "databases.<name>.owner", Required: "yes", Meaning: "Exactly one private service; it connects as the database role named after it, so names PostgreSQL or RDS reserve, such as `user`, `pg-*` or `rds-*`, are refused."},
		KeyDoc{Key: "databases.<name>.instanceClass", Required: "yes", Meaning: "A class RDS for PostgreSQL offers, e.g. `db.t4g.micro`; deprecated families such as `db.t2` are refused."},
		KeyDoc{Key: "databases.<name>.migrationImage", Required: "no", Default: "the owner's image", Meaning: "Image of the database's one-off migration task, the only task that receives the master user's credentials (see \"Running a database's migration task\" above). It must come from ECR in the stack's region: the task has no internet egress. In staging and prod it is pinned by digest; unset, the task runs the owner's image (from its own repository with `imageTag`), and that repository admits the task's execution role."},
		databasePort,
		allocatedStorage,
		maxAllocatedStorage,
		backupRetentionDays,
		multiAZ,
		KeyDoc{Key: "buckets.<name>", Required: "no", Meaning: "An S3 bucket, with at least one reader or writer. A name S3 reserves (`sthree-*`, `amzn-s3-demo-*`) is refused."},
		KeyDoc{Key: "buckets.<name>.readers", Required: "no", Meaning: "Services that may read it."},
		KeyDoc{Key: "buckets.<name>.writers", Required: "no", Meaning: "Services that may write it."},
		KeyDoc{Key: "caches.<name>", Required: "no", Meaning: "An ElastiCache cache, encrypted at rest and in transit, with an auth token."},
		KeyDoc{Key: "caches.<name>.users", Required: "yes", Meaning: "Services that use it."},
		cacheEngine,
		cacheNodeType,
		cachePort,
		KeyDoc{Key: "secrets.<name>", Required: "no", Meaning: "An application secret kept in Secrets Manager. The value goes in `secretValues`."},
		KeyDoc{Key: "secrets.<name>.readers", Required: "yes", Meaning: "Services that may read it."},
		KeyDoc{Key: "secrets.<name>.description", Required: "no", Default: "`" + defaultSecretDescription("<name>") + "`", Meaning: "The secret's description in Secrets Manager."},
		KeyDoc{Key: "secretValues.<name>", Required: "per secret", Meaning: "Only with `pulumi config set --secret --path 'secretValues.<name>' <value>`. Each entry is checked on its own in the stack file: one plaintext entry beside encrypted ones is refused. (A value that comes from a Pulumi ESC environment rather than the stack file is trusted as secret when Pulumi marks the key secret.)"},
		KeyDoc{Key: "edge.certificateArn", Required: "staging, prod", Meaning: "ACM certificate for the BFF load balancers, in the stack's region."},
		KeyDoc{Key: "edge.domainName", Required: "no", Meaning: "Parent DNS name of the BFFs: each BFF is served as `<bff>.<domainName>` (its URL in `bffUrls`; in dev, its self-signed certificate's name). The program creates no DNS record: point each name at its load balancer (`bffLoadBalancerDnsNames`), and give staging and prod a certificate that covers them (e.g. `*.<domainName>`)."},
		rateLimit,
		KeyDoc{Key: "edge.identityKeyGenerations", Required: "no", Default: "`[1]`", Meaning: fmt.Sprintf("The generations of the BFFs' identity-token signing key (KMS keys `identity-token`, `identity-token-<N>`), distinct positive numbers, at most %d: `edge.identitySigningGeneration` (default the highest) signs, every one's public key is in `IDENTITY_VERIFICATION_KEY`. Change it only to rotate the key (see Rotating the identity-token signing key).", secrets.MaxIdentityKeyGenerations)},
		KeyDoc{Key: "edge.identitySigningGeneration", Required: "no", Default: "the highest of `edge.identityKeyGenerations`", Meaning: "The generation whose key the BFFs sign with: one of `edge.identityKeyGenerations`. Set it to the current generation while adding the next, so that every service trusts the new key before any token is signed with it (see Rotating the identity-token signing key)."},
		KeyDoc{Key: "deploy.roleArns", Required: "yes", Meaning: "The IAM roles that run `pulumi up` and `pulumi refresh` for the stack (`arn:aws:iam::<account>:role/<path/name>`, in the stack's account), e.g. the CI deploy role and a break-glass administrator role. Every secret's resource policy denies every change to any other principal, and denies reading the values Pulumi writes to anyone but their readers and these roles (Pulumi reads a value back after writing it, and on refresh). See Deploying from CI."},
		KeyDoc{Key: "deploy.imagePushRoleArns", Required: "no", Meaning: "IAM roles (e.g. the CI build role) that push images to the stack's repositories, beside `deploy.roleArns`. Each repository's policy denies pushing to every other principal, and pulling to all but the service's execution role (and its database's migration task's), these roles and the deploying roles. Unlike `deploy.roleArns` (refused outside the stack's account), a role may be another account's, e.g. a central CI account's build role pushing cross-account."},
		KeyDoc{Key: "deploy.enhancedImageScanning", Required: "no", Default: "`false`", Meaning: "`true` turns on ECR enhanced scanning (Amazon Inspector, continuous, every repository of the account's registry in the region) and enables Inspector for ECR in the account. Account-wide: let one stack per account and region own it. Paid per image scanned: see Images."},
		KeyDoc{Key: "vault.caGenerations", Required: "no", Default: "`[1]`", Meaning: "The generations of the internal mTLS CA, ascending, distinct, positive, one or two. Each exists, and every service's `TLS_CA_CERTIFICATE` holds all of their certificates (highest first), so `[1, 2]` is a rotation's overlap in which both are trusted. Generation 1 is the CA the stack always had. See \"Rotating the internal CA\"."},
		KeyDoc{Key: "vault.certificateAuthority", Required: "no", Default: "`" + string(secrets.PulumiTLS) + "`", Meaning: "Which internal CA issues the services' mTLS certificates: `" + string(secrets.PulumiTLS) + "` (Pulumi issues each service a one-year certificate into its TLS secret; the CA's and the services' private keys are in the state) or `" + string(secrets.AWSPrivateCA) + "` (a root AWS Private CA per generation in short-lived certificate mode, USD 50 a month each; each task obtains its own certificate of at most 7 days at start, and no private key of the PKI is in the state). See \"The internal CA: pulumi-tls or AWS Private CA\"."},
		KeyDoc{Key: "vault.caIssuingGeneration", Required: "no", Default: "the highest of `caGenerations`", Meaning: "The generation that issues every service's certificate, one of `caGenerations`: set it to the old generation while the new one becomes trusted."},
	}
	for _, q := range adjustableQuotas {
		rows = append(rows, KeyDoc{Key: keyQuotas + "." + q.key, Required: "no", Default: fmt.Sprintf("`%d`", q.quota.Limit),
			Meaning: "The account's applied value of the AWS quota " + q.quota.Name + ", when AWS has raised it."})
	}
	out := make([]KeyDoc, len(rows))
	for i, r := range rows {
		out[i] = r.doc()
	}
	return out
}

// Section is a top-level key of the project namespace as Pulumi.yaml declares it.
type Section struct {
	Key         string
	Type        string // Pulumi's config type: string or object
	Default     string // Pulumi.yaml's default, as YAML ("{}"); "" when none
	Description string // Pulumi.yaml's description
}

// Sections are the top-level keys in the order of Pulumi.yaml (Keys lists the same names).
var Sections = []Section{
	{keyEnvironment, "string", "", "dev, staging or prod. Selects cost and safety defaults (NAT per AZ, Multi-AZ databases, retention, protect); security is the same in every environment."},
	{keyNetwork, "object", "", "The VPC: cidr (a private /" + fmt.Sprint(netplan.MinVPCPrefix) + " to /" + fmt.Sprint(netplan.MaxVPCPrefix) + "), availabilityZones (" + fmt.Sprint(minAZs) + " or " + fmt.Sprint(netplan.MaxAZs) + " zones of aws:region), natGateways (none | single | perAz; default single, perAz in prod), flowLogRetentionDays, dnsFirewallFailOpen (true lets DNS queries through when DNS Firewall fails; default false; refused in staging and prod), connectedCidrs (networks the VPC will be connected to; the VPC must not overlap them)."},
	{keyServices, "object", "", "The service graph: name -> {public, port, image or imageTag, calls, egress, cpu, memory, desiredCount, healthCheckPath}. public: true marks a BFF, the only kind of service with an internet-facing load balancer; calls lists the services it may call; port is " + fmt.Sprintf("%d-%d", awslimits.TaskPorts.Lowest, awslimits.TaskPorts.Highest) + " (tasks run as a non-root user); egress lists the host names it calls on the internet, and needs a NAT strategy other than none (internetEgress, which it replaces, may only be false)."},
	{keyDatabases, "object", "{}", "PostgreSQL databases: name -> {engine: postgres, version (a major in RDS standard support), extendedSupport (true accepts a major on paid RDS Extended Support), owner (exactly one private service, never a BFF), instanceClass, migrationImage (default: the owner's image), port, allocatedStorage, maxAllocatedStorage, backupRetentionDays, multiAz}. Only the owner and the database's one-off migration task can reach a database."},
	{keyBuckets, "object", "{}", "S3 buckets: name -> {readers, writers} (service names)."},
	{keyCaches, "object", "{}", "ElastiCache caches: name -> {users, engine (valkey | redis), nodeType, port}."},
	{keySecrets, "object", "{}", "Application secrets kept in Secrets Manager: name -> {readers, description}. Their values go in secretValues, never here."},
	{keySecretValues, "object", "{}", "The values of the secrets, set only as Pulumi secrets: pulumi config set --secret --path 'secretValues.<name>' <value>."},
	{keyEdge, "object", "{}", "The BFFs' edge: certificateArn (ACM, required in staging and prod), domainName, rateLimit (WAF requests per 5 minutes per client IP, default 1000), identityKeyGenerations (the identity-token signing key's generations, default [1]), identitySigningGeneration (the one that signs; when unset, the highest)."},
	{keyDeploy, "object", "", "Who deploys the stack: roleArns (the IAM roles that run pulumi up and pulumi refresh, e.g. the CI deploy role), imagePushRoleArns (roles that push images), enhancedImageScanning (ECR enhanced scanning, account-wide). Every secret denies changes to every other principal."},
	{keyVault, "object", "{}", "The internal CA: caGenerations (its generations, ascending, one or two; default [1]; every service trusts all of them), caIssuingGeneration (the one that issues the services' certificates, the highest unless set), certificateAuthority (pulumi-tls, the default, or aws-private-ca). See the README, Rotating the internal CA."},
	{keyQuotas, "object", "{}", "The account's applied values of adjustable AWS quotas the loader checks, when AWS has raised them: iamRoles, securityGroups, loadBalancers, targetGroups, webAcls, elasticIps, cloudMapInstances, dbInstances, cacheNodes (defaults: AWS's)."},
}
