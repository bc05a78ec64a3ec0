package data

// DatabaseSettings is a PostgreSQL database as its stack config declares it
// (secure-vpc:databases.<name>); the config loader fills the defaults and checks the ranges,
// Database embeds it.
type DatabaseSettings struct {
	// Name is the database's config name, a DNS label. The component takes its name as an
	// argument; this one is the spec's.
	Name string
	// Engine is always postgres.
	Engine string
	// Version is the PostgreSQL major version, for example "16" (no minor), at least MinimumMajor.
	// Required.
	Version string
	// ExtendedSupport accepts a major past RDS standard support, on paid RDS Extended Support.
	// Optional, default false; the loader's concern, not the component's.
	ExtendedSupport bool
	// Owner is the one service that may reach the database and connect to it. Required.
	Owner string
	// InstanceClass is the RDS instance class, for example db.t4g.micro. Required.
	InstanceClass string
	// Port is the port the database listens on, 1150-65535. Default 5432.
	Port int
	// AllocatedStorage is the initial storage, in GiB. Default 20.
	AllocatedStorage int
	// MaxAllocatedStorage is the storage autoscaling ceiling, in GiB; 0 turns autoscaling off.
	// Default 100 (or at least 10% above AllocatedStorage).
	MaxAllocatedStorage int
	// BackupRetentionDays is how long automated backups are kept, in days, 7 to 35. Default 7 in
	// dev, 14 in staging, 30 in prod.
	BackupRetentionDays int
	// MultiAZ runs a standby in a second AZ. Default false in dev, true in staging and prod.
	MultiAZ bool
	// MigrationImage is the image of the database's one-off migration task, from ECR in the
	// stack's region. Default: the owner's image. The platform's concern, not the component's.
	MigrationImage string
}

// CacheEngine is the ElastiCache engine of a cache.
type CacheEngine string

// The cache engines.
const (
	Valkey CacheEngine = "valkey"
	Redis  CacheEngine = "redis"
)

// CacheSettings is a cache as its stack config declares it (secure-vpc:caches.<name>); the config
// loader fills the defaults and checks the node type, Cache embeds it.
type CacheSettings struct {
	// Name is the cache's config name, a DNS label. The component takes its name as an argument;
	// this one is the spec's.
	Name string
	// Engine is valkey or redis. Default valkey.
	Engine CacheEngine
	// NodeType is the ElastiCache node type. Default cache.t4g.micro.
	NodeType string
	// Port is the port the cache listens on. Default 6379.
	Port int
	// Users are the services that may use the cache (their security groups are the only way in).
	// Required: at least one.
	Users []string
}
