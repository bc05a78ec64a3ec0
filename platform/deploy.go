package platform

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-vpc/secure-vpc/compute"
	"github.com/secure-vpc/secure-vpc/data"
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/network"
	"github.com/secure-vpc/secure-vpc/secrets"
)

// Deploy is the Pulumi program: it reads and validates the whole stack config, and only if all
// of it is valid composes the components. A config error registers nothing.
func Deploy(ctx *pulumi.Context) error {
	spec, err := Load(SourceFromContext(ctx))
	if err != nil {
		return err
	}
	for _, n := range spec.Notices {
		_ = ctx.Log.Warn(n, nil)
	}
	return Build(ctx, spec)
}

// Build composes the components of a validated spec. Dependencies point one way: keys and the
// network first, then the services' identities (roles without permissions), the firewall, the
// vault and the stores, each naming the roles and groups it admits.
func Build(ctx *pulumi.Context, spec *Spec) error {
	identity, err := aws.GetCallerIdentity(ctx, &aws.GetCallerIdentityArgs{})
	if err != nil {
		return fmt.Errorf("looking up the AWS account: %w", err)
	}
	account := identity.AccountId
	keys, err := secrets.NewKeyring(ctx, "keys", &secrets.KeyringArgs{Scope: spec.Scope(account)})
	if err != nil {
		return fmt.Errorf("creating keyring: %w", err)
	}

	vpc, err := network.NewVpc(ctx, "network", &network.VpcArgs{
		Scope:      spec.Scope(account),
		Settings:   spec.Network,
		DataPorts:  spec.DataPorts(),
		LogsKeyArn: keys.LogsKeyArn,
	})
	if err != nil {
		return fmt.Errorf("creating network: %w", err)
	}

	ids, err := compute.NewIdentities(ctx, "identities", &compute.IdentitiesArgs{
		Scope: spec.Scope(account), Services: sortedNames(spec.Services),
	})
	if err != nil {
		return fmt.Errorf("creating identities: %w", err)
	}

	fw, err := network.NewFirewall(ctx, "firewall", &network.FirewallArgs{
		Scope:                   spec.Scope(account),
		VpcID:                   vpc.VpcID.ToStringOutput(),
		Graph:                   spec.FirewallGraph(),
		EndpointSecurityGroupID: vpc.EndpointSecurityGroupID.ToStringOutput(),
		S3PrefixListID:          vpc.S3PrefixListID,
	})
	if err != nil {
		return fmt.Errorf("creating firewall: %w", err)
	}

	deps := &dependencies{spec: spec, account: account, keys: keys, vpc: vpc, ids: ids, fw: fw}
	vault, err := secrets.NewVault(ctx, "vault", vaultArgs(deps))
	if err != nil {
		return fmt.Errorf("creating vault: %w", err)
	}
	deps.vault = vault

	stores, err := buildStores(ctx, deps)
	if err != nil {
		return err
	}
	deps.stores = stores

	services, err := buildCompute(ctx, deps)
	if err != nil {
		return err
	}

	ctx.Export("environment", pulumi.String(string(spec.Environment)))
	ctx.Export("bffUrls", services.urls)
	ctx.Export("bffLoadBalancerDnsNames", services.lbNames)
	ctx.Export("clusterName", services.cluster.ClusterName)
	ctx.Export("serviceDiscoveryNamespace", pulumi.String(services.cluster.Namespace))
	ctx.Export("serviceSecretArns", services.secretArns)
	ctx.Export("vpcId", vpc.VpcID)
	ctx.Export("vpcCidr", pulumi.String(vpc.CIDR))
	ctx.Export("publicSubnetIds", vpc.PublicSubnetIDs)
	ctx.Export("privateSubnetIds", vpc.PrivateSubnetIDs)
	ctx.Export("isolatedSubnetIds", vpc.IsolatedSubnetIDs)
	ctx.Export("flowLogGroupName", vpc.FlowLogGroupName)
	ctx.Export("kmsKeyArns", pulumi.StringMap{"logs": keys.LogsKeyArn, "data": keys.DataKeyArn, "secrets": keys.SecretsKeyArn})
	ctx.Export("internalCaCertificate", vault.CACertificate)
	ctx.Export("secretArns", vault.SecretArns)
	ctx.Export("databases", stores.databases)
	ctx.Export("buckets", stores.buckets)
	ctx.Export("caches", stores.caches)
	return nil
}

// dependencies are what the components composed so far hand to those composed after them; each
// field is set once its component exists (vault and stores last).
type dependencies struct {
	spec    *Spec
	account string // the AWS account the stack deploys to
	keys    *secrets.Keyring
	vpc     *network.Vpc
	ids     *compute.Identities
	fw      *network.Firewall
	vault   *secrets.Vault
	stores  *storeOutputs
}

func vaultArgs(deps *dependencies) *secrets.VaultArgs {
	// The dependencies it uses, by the names the components' Args below give them.
	spec, account, keys, ids := deps.spec, deps.account, deps.keys, deps.ids
	args := &secrets.VaultArgs{
		Scope:              spec.Scope(account),
		SecretsKeyArn:      keys.SecretsKeyArn,
		RecoveryWindowDays: map[bool]int{false: 7, true: 30}[spec.Protect],
		ExecutionRoleTags:  map[string]string{contract.RoleTag: string(contract.ExecutionRole), contract.StackTag: spec.Stack},
	}
	for _, name := range sortedNames(spec.Services) {
		args.Services = append(args.Services, secrets.VaultService{
			Name: name, Public: spec.Services[name].Public, ExecutionRoleArn: ids.ExecutionRole(name).Arn,
		})
	}
	for _, name := range sortedNames(spec.Secrets) {
		s := spec.Secrets[name]
		args.AppSecrets = append(args.AppSecrets, secrets.AppSecret{Name: name, Description: s.Description, Value: s.Value(), Readers: s.Readers})
	}
	for _, name := range sortedNames(spec.Caches) {
		args.Caches = append(args.Caches, secrets.CacheToken{Name: name, Users: spec.Caches[name].Users})
	}
	return args
}

type storeOutputs struct {
	databases, buckets, caches pulumi.Map

	logBucket *data.LogBucket
	dbs       map[string]*data.Database
	bucketsBy map[string]*data.Bucket
	cachesBy  map[string]*data.Cache
}

func buildStores(ctx *pulumi.Context, deps *dependencies) (*storeOutputs, error) {
	// The dependencies it uses, by the names the components' Args below give them.
	spec, account, keys, vpc, ids, fw, vault := deps.spec, deps.account, deps.keys, deps.vpc, deps.ids, deps.fw, deps.vault
	out := &storeOutputs{databases: pulumi.Map{}, buckets: pulumi.Map{}, caches: pulumi.Map{},
		dbs: map[string]*data.Database{}, bucketsBy: map[string]*data.Bucket{}, cachesBy: map[string]*data.Cache{}}

	elbAccount := ""
	if sa, err := elb.GetServiceAccount(ctx, &elb.GetServiceAccountArgs{}); err == nil {
		elbAccount = sa.Arn
	} // regions opened since August 2022 have no such account, only the log-delivery service principal

	logs, err := data.NewLogBucket(ctx, ReservedBucket, &data.LogBucketArgs{
		Scope: spec.Scope(account), ELBAccountArn: elbAccount, RetentionDays: spec.Network.FlowLogRetentionDays,
	})
	if err != nil {
		return nil, fmt.Errorf("creating access-log bucket: %w", err)
	}
	out.buckets[ReservedBucket] = logs.BucketName
	out.logBucket = logs

	taskRoles := func(names []string) []data.Reader {
		var rs []data.Reader
		for _, n := range names {
			rs = append(rs, data.Reader{Service: n, RoleArn: ids.TaskRole(n).Arn})
		}
		return rs
	}
	for _, name := range sortedNames(spec.Buckets) {
		b := spec.Buckets[name]
		bucket, err := data.NewBucket(ctx, name, &data.BucketArgs{
			Scope: spec.Scope(account), DataKeyArn: keys.DataKeyArn, LogBucket: logs.BucketName, LogBucketPolicy: logs.Policy,
			Readers: taskRoles(slices.Sorted(slices.Values(b.Readers))), Writers: taskRoles(slices.Sorted(slices.Values(b.Writers))),
		})
		if err != nil {
			return nil, fmt.Errorf("creating bucket %s: %w", name, err)
		}
		out.buckets[name] = bucket.BucketName
		out.bucketsBy[name] = bucket
	}

	for _, name := range sortedNames(spec.Databases) {
		d := spec.Databases[name]
		db, err := data.NewDatabase(ctx, name, &data.DatabaseArgs{
			Scope: spec.Scope(account), DatabaseSettings: d,
			IsolatedSubnetIDs: vpc.IsolatedSubnetIDs, SecurityGroupID: fw.Database(name),
			DataKeyArn: keys.DataKeyArn, SecretsKeyArn: keys.SecretsKeyArn, LogsKeyArn: keys.LogsKeyArn,
			LogRetentionDays: spec.Network.FlowLogRetentionDays,
		})
		if err != nil {
			return nil, fmt.Errorf("creating database %s: %w", name, err)
		}
		out.databases[name] = pulumi.Map{"address": db.Address, "port": db.Port, "masterSecretArn": db.MasterSecretArn}
		out.dbs[name] = db
	}

	for _, name := range sortedNames(spec.Caches) {
		c := spec.Caches[name]
		cache, err := data.NewCache(ctx, name, &data.CacheArgs{
			Scope: spec.Scope(account), CacheSettings: c,
			IsolatedSubnetIDs: vpc.IsolatedSubnetIDs, SecurityGroupID: fw.Cache(name),
			DataKeyArn: keys.DataKeyArn, AuthToken: vault.CacheAuthToken(name),
		})
		if err != nil {
			return nil, fmt.Errorf("creating cache %s: %w", name, err)
		}
		out.caches[name] = cache.PrimaryEndpoint
		out.cachesBy[name] = cache
	}
	return out, nil
}

type computeOutputs struct {
	cluster    *compute.Cluster
	urls       pulumi.StringMap
	lbNames    pulumi.StringMap // what <bff>.<edge.domainName> must point at
	secretArns pulumi.Map
}

// buildCompute creates the cluster, the edge of every BFF and every service, with the secrets
// each one needs injected and the stores it uses granted.
func buildCompute(ctx *pulumi.Context, deps *dependencies) (*computeOutputs, error) {
	// The dependencies it uses, by the names the components' Args below give them.
	spec, account, keys, vpc, ids, fw, vault, stores := deps.spec, deps.account, deps.keys, deps.vpc, deps.ids, deps.fw, deps.vault, deps.stores
	out := &computeOutputs{urls: pulumi.StringMap{}, lbNames: pulumi.StringMap{}, secretArns: pulumi.Map{}}
	cluster, err := compute.NewCluster(ctx, "cluster", &compute.ClusterArgs{
		Scope: spec.Scope(account), VpcID: vpc.VpcID.ToStringOutput(), LogsKeyArn: keys.LogsKeyArn,
		LogRetentionDays: spec.Network.FlowLogRetentionDays,
	})
	if err != nil {
		return nil, fmt.Errorf("creating cluster: %w", err)
	}
	out.cluster = cluster

	for _, name := range sortedNames(spec.Services) {
		svc := spec.Services[name]
		args := &compute.ServiceArgs{
			Scope: spec.Scope(account), ServiceSettings: svc,
			ClusterArn: cluster.ClusterArn, NamespaceID: cluster.NamespaceID,
			PrivateSubnetIDs: vpc.PrivateSubnetIDs,
			SecurityGroupIDs: pulumi.StringArray{fw.Service(name), fw.AllServices()},
			TaskRole:         ids.TaskRole(name), ExecutionRole: ids.ExecutionRole(name),
			LogsKeyArn: keys.LogsKeyArn, LogRetentionDays: spec.Network.FlowLogRetentionDays,
			SecretsKeyArn: keys.SecretsKeyArn, DataKeyArn: keys.DataKeyArn,
		}
		WireService(spec, name).inject(args, vault, stores)
		args.DependsOn = append(args.DependsOn, fw.ServiceRules(name)...)
		args.DependsOn = append(args.DependsOn, vpc.Endpoints...)
		args.DependsOn = append(args.DependsOn, vpc.TierReady(contract.Private)...)
		if svc.InternetEgress {
			// Its traffic leaves through a NAT gateway in the public tier.
			args.DependsOn = append(args.DependsOn, vpc.NATRoutes...)
			args.DependsOn = append(args.DependsOn, vpc.TierReady(contract.Public)...)
		}
		if svc.Public {
			edge, err := compute.NewEdge(ctx, name, &compute.EdgeArgs{
				Scope: spec.Scope(account), EdgeSettings: spec.Edge, Port: svc.Port, HealthCheckPath: svc.HealthCheckPath,
				VpcID: vpc.VpcID.ToStringOutput(), PublicSubnetIDs: vpc.PublicSubnetIDs, SecurityGroupID: fw.LoadBalancer(name),
				LogBucket: stores.logBucket.BucketName, LogBucketPolicy: stores.logBucket.Policy, InternetGateway: vpc.InternetGateway,
				LogsKeyArn: keys.LogsKeyArn, LogRetentionDays: spec.Network.FlowLogRetentionDays,
			})
			if err != nil {
				return nil, fmt.Errorf("creating edge of %s: %w", name, err)
			}
			args.TargetGroupArn = edge.TargetGroupArn
			args.HealthCheckGraceSeconds = 60
			// Health checks come from the load balancer's nodes in the public tier.
			args.DependsOn = append(args.DependsOn, edge.HTTPSListener)
			args.DependsOn = append(args.DependsOn, vpc.TierReady(contract.Public)...)
			out.urls[name] = edge.URL
			out.lbNames[name] = edge.DNSName
		}
		if _, err := compute.NewService(ctx, name, args); err != nil {
			return nil, fmt.Errorf("creating service %s: %w", name, err)
		}
		arns := pulumi.StringMap{}
		for _, sec := range args.Secrets {
			arns[sec.Env] = sec.Arn
		}
		out.secretArns[name] = arns
	}
	return out, nil
}
