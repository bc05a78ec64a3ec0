package data

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elasticache"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/naming"
	"github.com/secure-vpc/secure-vpc/internal/stack"
)

// ElastiCache's limits on a replication group without cluster mode: a primary and up to five
// replicas, and at most 35 days of snapshots.
const (
	maxCacheNodes        = 6
	maxCacheSnapshotDays = 35
)

// Engine versions per cache engine.
var cacheEngineVersions = map[CacheEngine]string{Valkey: "8.0", Redis: "7.1"}

// CacheArgs configures a cache.
type CacheArgs struct {
	// Scope is the stack the cache belongs to; all of it is required. Protect protects the cache
	// and its subnet group.
	stack.Scope
	// CacheSettings are the engine, node type, port and users, as the spec holds them (Engine
	// valkey or redis; Users at least one).
	CacheSettings
	// Nodes are the cache's nodes, 1 to 6: with 2 or more, replicas in other zones, automatic
	// failover and Multi-AZ. Required (the stack's setting: 1 in dev, 2 in staging and prod).
	Nodes int
	// SnapshotRetentionDays are the daily snapshots kept, 0 (none) to 35. Optional, default 0;
	// the stack's setting is 1 in dev, 7 in staging and prod.
	SnapshotRetentionDays int

	// IsolatedSubnetIDs are the isolated tier's subnets. Required.
	IsolatedSubnetIDs pulumi.StringArrayInput
	// SecurityGroupID is the cache's group (the Firewall's). Required.
	SecurityGroupID pulumi.StringInput
	// DataKeyArn is the customer-managed key that encrypts the cache at rest. Required.
	DataKeyArn pulumi.StringInput
	// AuthToken is the token clients must present: a Pulumi secret, kept in Secrets Manager by the
	// vault, readable only by the users. Required.
	AuthToken pulumi.StringInput
}

// Cache is an ElastiCache replication group in the isolated tier.
type Cache struct {
	pulumi.ResourceState

	PrimaryEndpoint pulumi.StringOutput `pulumi:"primaryEndpoint"`
}

// NewCache creates a cache encrypted at rest with the data key and in transit with TLS, that
// refuses clients without its auth token.
func NewCache(ctx *pulumi.Context, name string, args *CacheArgs, opts ...pulumi.ResourceOption) (*Cache, error) {
	if args == nil || args.AuthToken == nil || args.DataKeyArn == nil || args.SecurityGroupID == nil || args.IsolatedSubnetIDs == nil {
		return nil, fmt.Errorf("cache %s: the data key, secrets, security group and isolated subnets are required", name)
	}
	version, ok := cacheEngineVersions[args.Engine]
	if !ok {
		return nil, fmt.Errorf("cache %s: engine %q is not valkey or redis", name, args.Engine)
	}
	if len(args.Users) == 0 {
		return nil, fmt.Errorf("cache %s: at least one user is required", name)
	}
	if args.Nodes < 1 || args.Nodes > maxCacheNodes {
		return nil, fmt.Errorf("cache %s: %d nodes is outside 1-%d", name, args.Nodes, maxCacheNodes)
	}
	if args.SnapshotRetentionDays < 0 || args.SnapshotRetentionDays > maxCacheSnapshotDays {
		return nil, fmt.Errorf("cache %s: %d days of snapshots is outside 0-%d", name, args.SnapshotRetentionDays, maxCacheSnapshotDays)
	}
	if err := args.Check(); err != nil {
		return nil, fmt.Errorf("cache %s: %w", name, err)
	}
	c := &Cache{}
	if err := ctx.RegisterComponentResource(contract.TypeCacheComp, name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering cache %s: %w", name, err)
	}
	parent := pulumi.Parent(c)
	id := naming.CacheGroupID(name, args.Stack)
	tags := pulumi.ToStringMap(args.Tags(name, map[string]string{contract.UsersTag: strings.Join(slices.Sorted(slices.Values(args.Users)), " ")}))

	subnets, err := elasticache.NewSubnetGroup(ctx, name, &elasticache.SubnetGroupArgs{
		Description: pulumi.String(args.Describe("isolated subnets of the " + name + " cache")),
		SubnetIds:   args.IsolatedSubnetIDs,
		Tags:        tags,
	}, parent, pulumi.Protect(args.Protect)) // keeps the cache in the isolated tier
	if err != nil {
		return nil, fmt.Errorf("creating subnet group of cache %s: %w", name, err)
	}
	failover := args.Nodes > 1 // ElastiCache fails over only to a replica
	group, err := elasticache.NewReplicationGroup(ctx, name, &elasticache.ReplicationGroupArgs{
		ReplicationGroupId:       pulumi.String(id),
		Description:              pulumi.String(args.Describe(name + " cache")),
		Engine:                   pulumi.String(string(args.Engine)),
		EngineVersion:            pulumi.String(version),
		NodeType:                 pulumi.String(args.NodeType),
		NumCacheClusters:         pulumi.Int(args.Nodes),
		AutomaticFailoverEnabled: pulumi.Bool(failover),
		MultiAzEnabled:           pulumi.Bool(failover),
		Port:                     pulumi.Int(args.Port),
		SubnetGroupName:          subnets.Name,
		SecurityGroupIds:         pulumi.StringArray{args.SecurityGroupID},
		AtRestEncryptionEnabled:  pulumi.Bool(true),
		KmsKeyId:                 args.DataKeyArn,
		TransitEncryptionEnabled: pulumi.Bool(true),
		AuthToken:                pulumi.ToSecret(args.AuthToken).(pulumi.StringOutput),
		AutoMinorVersionUpgrade:  pulumi.Bool(true),
		SnapshotRetentionLimit:   pulumi.Int(args.SnapshotRetentionDays),
		Tags:                     tags,
	}, parent, pulumi.Protect(args.Protect))
	if err != nil {
		return nil, fmt.Errorf("creating cache %s: %w", name, err)
	}
	c.PrimaryEndpoint = group.PrimaryEndpointAddress
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"primaryEndpoint": c.PrimaryEndpoint}); err != nil {
		return nil, fmt.Errorf("registering cache %s outputs: %w", name, err)
	}
	return c, nil
}
