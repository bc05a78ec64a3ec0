package data

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elasticache"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/naming"
)

// Engine versions per cache engine.
var cacheEngineVersions = map[string]string{"valkey": "8.0", "redis": "7.1"}

// CacheArgs configures a cache.
type CacheArgs struct {
	Project  string
	Stack    string
	Engine   string // valkey or redis
	NodeType string
	Port     int
	// Users are the services that may use the cache (their security groups are the only way in).
	Users []string
	// Production runs a replica in a second AZ with automatic failover, and protects the cache.
	Production bool

	IsolatedSubnetIDs pulumi.StringArrayInput
	SecurityGroupID   pulumi.StringInput
	DataKeyArn        pulumi.StringInput
	// AuthToken is the token clients must present: a Pulumi secret, kept in Secrets Manager by the
	// vault, readable only by the users.
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
	c := &Cache{}
	if err := ctx.RegisterComponentResource(contract.TypeCacheComp, name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering cache %s: %w", name, err)
	}
	parent := pulumi.Parent(c)
	id := naming.CacheGroupID(name, args.Stack)
	tags := pulumi.StringMap{contract.NameTag: pulumi.String(fmt.Sprintf("%s-%s-%s", args.Project, args.Stack, name)), contract.UsersTag: pulumi.String(strings.Join(slices.Sorted(slices.Values(args.Users)), " "))}

	subnets, err := elasticache.NewSubnetGroup(ctx, name, &elasticache.SubnetGroupArgs{
		Description: pulumi.Sprintf("%s/%s: isolated subnets of the %s cache", args.Project, args.Stack, name),
		SubnetIds:   args.IsolatedSubnetIDs,
		Tags:        tags,
	}, parent, pulumi.Protect(args.Production)) // keeps the cache in the isolated tier
	if err != nil {
		return nil, fmt.Errorf("creating subnet group of cache %s: %w", name, err)
	}
	nodes, snapshots := 1, 1
	if args.Production {
		nodes, snapshots = 2, 7
	}
	group, err := elasticache.NewReplicationGroup(ctx, name, &elasticache.ReplicationGroupArgs{
		ReplicationGroupId:       pulumi.String(id),
		Description:              pulumi.Sprintf("%s/%s: %s cache", args.Project, args.Stack, name),
		Engine:                   pulumi.String(args.Engine),
		EngineVersion:            pulumi.String(version),
		NodeType:                 pulumi.String(args.NodeType),
		NumCacheClusters:         pulumi.Int(nodes),
		AutomaticFailoverEnabled: pulumi.Bool(args.Production),
		MultiAzEnabled:           pulumi.Bool(args.Production),
		Port:                     pulumi.Int(args.Port),
		SubnetGroupName:          subnets.Name,
		SecurityGroupIds:         pulumi.StringArray{args.SecurityGroupID},
		AtRestEncryptionEnabled:  pulumi.Bool(true),
		KmsKeyId:                 args.DataKeyArn,
		TransitEncryptionEnabled: pulumi.Bool(true),
		AuthToken:                pulumi.ToSecret(args.AuthToken).(pulumi.StringOutput),
		AutoMinorVersionUpgrade:  pulumi.Bool(true),
		SnapshotRetentionLimit:   pulumi.Int(snapshots),
		Tags:                     tags,
	}, parent, pulumi.Protect(args.Production))
	if err != nil {
		return nil, fmt.Errorf("creating cache %s: %w", name, err)
	}
	c.PrimaryEndpoint = group.PrimaryEndpointAddress
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"primaryEndpoint": c.PrimaryEndpoint}); err != nil {
		return nil, fmt.Errorf("registering cache %s outputs: %w", name, err)
	}
	return c, nil
}
