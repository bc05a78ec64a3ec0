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
	"github.com/secure-vpc/secure-vpc/internal/naming"
	"github.com/secure-vpc/secure-vpc/internal/stack"
	"github.com/secure-vpc/secure-vpc/network"
	"github.com/secure-vpc/secure-vpc/secrets"
	"github.com/secure-vpc/secure-vpc/secrets/resourcepolicy"
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
	if err := checkImageAccounts(spec, account); err != nil {
		return err
	}
	resolveOwnImages(spec, account)
	keys, err := secrets.NewKeyring(ctx, "keys", &secrets.KeyringArgs{Scope: spec.Scope(account), RDSInstances: spec.RDSInstances()})
	if err != nil {
		return fmt.Errorf("creating keyring: %w", err)
	}

	vpc, err := network.NewVpc(ctx, "network", &network.VpcArgs{
		Scope:                   spec.Scope(account),
		Settings:                spec.Network,
		DataPorts:               spec.DataPorts(),
		LogsKeyArn:              keys.LogsKeyArn,
		ExtraInterfaceEndpoints: spec.ExtraInterfaceEndpoints(),
	})
	if err != nil {
		return fmt.Errorf("creating network: %w", err)
	}

	ids, err := compute.NewIdentities(ctx, "identities", &compute.IdentitiesArgs{
		Scope: spec.Scope(account), Services: sortedNames(spec.Services), Databases: sortedNames(spec.Databases),
	})
	if err != nil {
		return fmt.Errorf("creating identities: %w", err)
	}

	registry, err := newRegistry(ctx, spec, account, keys, ids)
	if err != nil {
		return err
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

	deps := &dependencies{spec: spec, account: account, keys: keys, vpc: vpc, ids: ids, fw: fw, registry: registry}
	signer, err := secrets.NewTokenSigner(ctx, secrets.IdentityTokenSigner, deps.signerArgs())
	if err != nil {
		return fmt.Errorf("creating identity-token signer: %w", err)
	}
	deps.signer = signer
	vault, err := secrets.NewVault(ctx, "vault", deps.vaultArgs())
	if err != nil {
		return fmt.Errorf("creating vault: %w", err)
	}
	deps.vault = vault

	stores, err := deps.buildStores(ctx)
	if err != nil {
		return err
	}
	deps.stores = stores

	dns, err := network.NewDNSFirewall(ctx, "dns-firewall", deps.dnsFirewallArgs())
	if err != nil {
		return fmt.Errorf("creating dns firewall: %w", err)
	}
	deps.dns = dns

	services, err := deps.buildCompute(ctx)
	if err != nil {
		return err
	}

	ctx.Export("environment", pulumi.String(string(spec.Environment)))
	ctx.Export("bffUrls", services.urls)
	ctx.Export("bffLoadBalancerDnsNames", services.lbNames)
	ctx.Export("clusterName", services.cluster.ClusterName)
	ctx.Export("serviceDiscoveryNamespace", pulumi.String(services.cluster.Namespace))
	ctx.Export("serviceSecretArns", services.secretArns)
	ctx.Export("migrations", services.migrations)
	ctx.Export("vpcId", vpc.VpcID)
	ctx.Export("vpcCidr", pulumi.String(vpc.CIDR))
	ctx.Export("publicSubnetIds", vpc.PublicSubnetIDs)
	ctx.Export("privateSubnetIds", vpc.PrivateSubnetIDs)
	ctx.Export("isolatedSubnetIds", vpc.IsolatedSubnetIDs)
	ctx.Export("flowLogGroupName", vpc.FlowLogGroupName)
	ctx.Export("dnsQueryLogGroupName", dns.QueryLogGroupName)
	ctx.Export("kmsKeyArns", pulumi.StringMap{
		string(contract.LogsDomain): keys.LogsKeyArn, string(contract.DataDomain): keys.DataKeyArn, string(contract.SecretsDomain): keys.SecretsKeyArn,
		string(contract.IdentityDomain): signer.KeyArn, string(contract.ImagesDomain): keys.ImagesKeyArn,
	})
	ctx.Export("imageRepositoryUrls", registry.RepositoryUrls)
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
	// registry holds the services' ECR repositories; a service starts after its repository exists.
	registry *compute.Registry
	signer   *secrets.TokenSigner
	vault    *secrets.Vault
	stores   *storeOutputs
	dns      *network.DNSFirewall
}

// dnsFirewallArgs are the DNS Firewall's: the names every task resolves (the AWS endpoints, the
// Cloud Map namespace, the data buckets and the stores' endpoints) and each service's declared
// destinations.
func (d *dependencies) dnsFirewallArgs() *network.DNSFirewallArgs {
	args := &network.DNSFirewallArgs{
		Scope: d.scope(), VpcID: d.vpc.VpcID.ToStringOutput(), Namespace: naming.ServiceNamespace(d.spec.Stack),
		ExtraEndpoints: d.spec.ExtraInterfaceEndpoints(),
		Destinations:   map[string][]string{}, FailOpen: d.spec.Network.DNSFirewallFailOpen,
		LogsKeyArn: d.keys.LogsKeyArn, LogRetentionDays: d.spec.Network.FlowLogRetentionDays,
	}
	for _, name := range sortedNames(d.spec.Services) {
		if egress := d.spec.Services[name].Egress; len(egress) > 0 {
			args.Destinations[name] = egress
		}
	}
	var buckets, endpoints pulumi.StringArray
	for _, name := range sortedNames(d.stores.bucketsBy) {
		buckets = append(buckets, d.stores.bucketsBy[name].BucketName)
	}
	for _, name := range sortedNames(d.stores.dbs) {
		endpoints = append(endpoints, d.stores.dbs[name].Address)
	}
	for _, name := range sortedNames(d.stores.cachesBy) {
		endpoints = append(endpoints, d.stores.cachesBy[name].PrimaryEndpoint)
	}
	args.Buckets, args.StoreEndpoints = buckets, endpoints
	return args
}

// scope is the stack scope every component is built in.
func (d *dependencies) scope() stack.Scope { return d.spec.Scope(d.account) }

// signerArgs are the token signer's: the BFFs' task roles sign.
func (d *dependencies) signerArgs() *secrets.TokenSignerArgs {
	args := &secrets.TokenSignerArgs{Scope: d.scope(), Generations: d.spec.IdentityKeyGenerations, SigningGeneration: d.spec.IdentitySigningGeneration,
		DeployerArns: d.spec.DeployRoleArns}
	for _, name := range sortedNames(d.spec.Services) {
		if d.spec.Services[name].Public {
			args.SignerRoleArns = append(args.SignerRoleArns, d.ids.TaskRole(name).Arn)
		}
	}
	return args
}

// vaultArgs are the vault's: a TLS secret per service, the identity-token verification key, the
// app secrets and the caches' tokens, each readable by the execution roles of its readers.
func (d *dependencies) vaultArgs() *secrets.VaultArgs {
	args := &secrets.VaultArgs{
		Scope:              d.scope(),
		SecretsKeyArn:      d.keys.SecretsKeyArn,
		VerificationKeyPem: d.signer.PublicKeyPem,
		RecoveryWindowDays: d.spec.SecretRecoveryWindowDays,
		ExecutionRoleTags:  d.ids.Selector(contract.ExecutionRole),
		DeployerArns:       d.spec.DeployRoleArns,
		CAGenerations:      d.spec.CAGenerations,
	}
	args.IssuingCAGeneration = d.spec.CAIssuingGeneration
	args.CertificateAuthority = d.spec.CertificateAuthority
	for _, name := range sortedNames(d.spec.Services) {
		args.Services = append(args.Services, secrets.VaultService{
			Name: name, ExecutionRoleArn: d.ids.ExecutionRole(name).Arn,
		})
	}
	for _, name := range sortedNames(d.spec.Secrets) {
		s := d.spec.Secrets[name]
		args.AppSecrets = append(args.AppSecrets, secrets.AppSecret{Name: name, Description: s.Description, Value: s.Value(), Readers: s.Readers})
	}
	for _, name := range sortedNames(d.spec.Caches) {
		args.Caches = append(args.Caches, secrets.CacheToken{Name: name, Users: d.spec.Caches[name].Users})
	}
	return args
}

// masterSecretPolicy is the resource policy of a database's RDS-managed master secret: read only
// by its migration task's execution role (no service reads it), changed only by the deploying
// roles and RDS.
func (d *dependencies) masterSecretPolicy(database string) pulumi.StringInput {
	account, deployers := d.scope().AccountID, d.spec.DeployRoleArns
	return d.ids.MigrationExecutionRole(database).Arn.ApplyT(func(reader string) (string, error) {
		return resourcepolicy.ManagedSecretPolicy(account, []string{reader}, deployers).JSON()
	}).(pulumi.StringOutput)
}

type storeOutputs struct {
	databases, buckets, caches pulumi.Map

	logBucket *data.LogBucket
	dbs       map[string]*data.Database
	bucketsBy map[string]*data.Bucket
	cachesBy  map[string]*data.Cache
}

// buildStores creates the access-log bucket and the stores of the spec, each admitting only the
// roles and security groups of its users.
func (d *dependencies) buildStores(ctx *pulumi.Context) (*storeOutputs, error) {
	out := &storeOutputs{databases: pulumi.Map{}, buckets: pulumi.Map{}, caches: pulumi.Map{},
		dbs: map[string]*data.Database{}, bucketsBy: map[string]*data.Bucket{}, cachesBy: map[string]*data.Cache{}}

	elbAccount := ""
	if sa, err := elb.GetServiceAccount(ctx, &elb.GetServiceAccountArgs{}); err == nil {
		elbAccount = sa.Arn
	} // regions opened since August 2022 have no such account, only the log-delivery service principal

	logs, err := data.NewLogBucket(ctx, ReservedBucket, &data.LogBucketArgs{
		Scope: d.scope(), ELBAccountArn: elbAccount, RetentionDays: d.spec.Network.FlowLogRetentionDays,
	})
	if err != nil {
		return nil, fmt.Errorf("creating access-log bucket: %w", err)
	}
	out.buckets[ReservedBucket] = logs.BucketName
	out.logBucket = logs

	taskRoles := func(names []string) []data.Reader {
		var rs []data.Reader
		for _, n := range names {
			rs = append(rs, data.Reader{Service: n, RoleArn: d.ids.TaskRole(n).Arn})
		}
		return rs
	}
	for _, name := range sortedNames(d.spec.Buckets) {
		b := d.spec.Buckets[name]
		bucket, err := data.NewBucket(ctx, name, &data.BucketArgs{
			Scope: d.scope(), DataKeyArn: d.keys.DataKeyArn, LogBucket: logs.BucketName, LogBucketPolicy: logs.Policy,
			S3EndpointID: d.vpc.S3EndpointID, ObjectLockDays: d.spec.BucketObjectLockDays,
			Readers: taskRoles(slices.Sorted(slices.Values(b.Readers))), Writers: taskRoles(slices.Sorted(slices.Values(b.Writers))),
		})
		if err != nil {
			return nil, fmt.Errorf("creating bucket %s: %w", name, err)
		}
		out.buckets[name] = bucket.BucketName
		out.bucketsBy[name] = bucket
	}

	for _, name := range sortedNames(d.spec.Databases) {
		db, err := data.NewDatabase(ctx, name, &data.DatabaseArgs{
			Scope: d.scope(), DatabaseSettings: d.spec.Databases[name],
			IsolatedSubnetIDs: d.vpc.IsolatedSubnetIDs, SecurityGroupID: d.fw.Database(name),
			DataKeyArn: d.keys.DataKeyArn, SecretsKeyArn: d.keys.SecretsKeyArn, LogsKeyArn: d.keys.LogsKeyArn,
			LogRetentionDays:   d.spec.Network.FlowLogRetentionDays,
			MasterSecretPolicy: d.masterSecretPolicy(name),
		})
		if err != nil {
			return nil, fmt.Errorf("creating database %s: %w", name, err)
		}
		out.databases[name] = pulumi.Map{string(DatabaseAddress): db.Address, string(DatabasePort): db.Port, string(DatabaseMasterSecretArn): db.MasterSecretArn}
		out.dbs[name] = db
	}

	for _, name := range sortedNames(d.spec.Caches) {
		cache, err := data.NewCache(ctx, name, &data.CacheArgs{
			Scope: d.scope(), CacheSettings: d.spec.Caches[name],
			Nodes: d.spec.CacheNodes, SnapshotRetentionDays: d.spec.CacheSnapshotRetentionDays,
			IsolatedSubnetIDs: d.vpc.IsolatedSubnetIDs, SecurityGroupID: d.fw.Cache(name),
			DataKeyArn: d.keys.DataKeyArn, AuthToken: d.vault.CacheAuthToken(name),
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
	migrations pulumi.Map // by database: what `aws ecs run-task` needs to start its migration task
}

// buildCompute creates the cluster, the edge of every BFF and every service, with the secrets
// each one needs injected and the stores it uses granted.
func (d *dependencies) buildCompute(ctx *pulumi.Context) (*computeOutputs, error) {
	out := &computeOutputs{urls: pulumi.StringMap{}, lbNames: pulumi.StringMap{}, secretArns: pulumi.Map{}, migrations: pulumi.Map{}}
	cluster, err := compute.NewCluster(ctx, "cluster", &compute.ClusterArgs{
		Scope: d.scope(), VpcID: d.vpc.VpcID.ToStringOutput(), LogsKeyArn: d.keys.LogsKeyArn,
		LogRetentionDays: d.spec.Network.FlowLogRetentionDays,
	})
	if err != nil {
		return nil, fmt.Errorf("creating cluster: %w", err)
	}
	out.cluster = cluster

	for _, name := range sortedNames(d.spec.Services) {
		svc := d.spec.Services[name]
		args := &compute.ServiceArgs{
			Scope: d.scope(), ServiceSettings: svc,
			ClusterArn: cluster.ClusterArn, NamespaceID: cluster.NamespaceID,
			PrivateSubnetIDs: d.vpc.PrivateSubnetIDs,
			SecurityGroupIDs: pulumi.StringArray{d.fw.Service(name), d.fw.AllServices()},
			TaskRole:         d.ids.TaskRole(name), ExecutionRole: d.ids.ExecutionRole(name),
			LogsKeyArn: d.keys.LogsKeyArn, LogRetentionDays: d.spec.Network.FlowLogRetentionDays,
			SecretsKeyArn: d.keys.SecretsKeyArn, DataKeyArn: d.keys.DataKeyArn,
		}
		WireService(d.spec, name).inject(args, d.vault, d.stores, d.signer)
		args.DependsOn = append(args.DependsOn, d.fw.ServiceRules(name)...)
		args.DependsOn = append(args.DependsOn, d.registry.Repository(name))
		args.DependsOn = append(args.DependsOn, d.vpc.Endpoints...)
		args.DependsOn = append(args.DependsOn, d.vpc.TierReady(contract.Private)...)
		// Its tasks resolve the endpoints', the stores' and its destinations' names from their
		// first start: the DNS Firewall allows them before anything starts.
		args.DependsOn = append(args.DependsOn, d.dns.Ready...)
		if svc.InternetEgress {
			// Its traffic leaves through a NAT gateway in the public tier.
			args.DependsOn = append(args.DependsOn, d.vpc.NATRoutes...)
			args.DependsOn = append(args.DependsOn, d.vpc.TierReady(contract.Public)...)
		}
		if svc.Public {
			edge, err := compute.NewEdge(ctx, name, &compute.EdgeArgs{
				Scope: d.scope(), EdgeSettings: d.spec.Edge, Port: svc.Port, HealthCheckPath: svc.HealthCheckPath,
				VpcID: d.vpc.VpcID.ToStringOutput(), PublicSubnetIDs: d.vpc.PublicSubnetIDs, SecurityGroupID: d.fw.LoadBalancer(name),
				LogBucket: d.stores.logBucket.BucketName, LogBucketPolicy: d.stores.logBucket.Policy, InternetGateway: d.vpc.InternetGateway,
				LogsKeyArn: d.keys.LogsKeyArn, LogRetentionDays: d.spec.Network.FlowLogRetentionDays,
			})
			if err != nil {
				return nil, fmt.Errorf("creating edge of %s: %w", name, err)
			}
			args.TargetGroupArn = edge.TargetGroupArn
			args.HealthCheckGraceSeconds = d.spec.HealthCheckGraceSeconds
			// Health checks come from the load balancer's nodes in the public tier.
			args.DependsOn = append(args.DependsOn, edge.HTTPSListener)
			args.DependsOn = append(args.DependsOn, d.vpc.TierReady(contract.Public)...)
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
	return out, d.buildMigrations(ctx, out)
}

// buildMigrations creates the one-off migration task of every database, in the private tier
// with its own group and roles, and records what `aws ecs run-task` needs to start it.
func (d *dependencies) buildMigrations(ctx *pulumi.Context, out *computeOutputs) error {
	for _, name := range sortedNames(d.spec.Databases) {
		w := WireMigration(d.spec, name)
		args := &compute.MigrationArgs{
			Scope: d.scope(), TaskRole: d.ids.MigrationTaskRole(name), ExecutionRole: d.ids.MigrationExecutionRole(name),
			SecurityGroupID: d.fw.Migration(w.Name), PrivateSubnetIDs: d.vpc.PrivateSubnetIDs,
			LogsKeyArn: d.keys.LogsKeyArn, LogRetentionDays: d.spec.Network.FlowLogRetentionDays, SecretsKeyArn: d.keys.SecretsKeyArn,
		}
		w.inject(args, d.stores)
		m, err := compute.NewMigration(ctx, w.Name, args)
		if err != nil {
			return fmt.Errorf("creating the migration task of %s: %w", name, err)
		}
		out.migrations[name] = pulumi.Map{
			"taskDefinitionArn": m.TaskDefinitionArn, "networkConfiguration": m.NetworkConfiguration,
			"subnetIds": m.SubnetIDs, "securityGroupId": m.SecurityGroupID, "logGroupName": m.LogGroupName,
		}
	}
	return nil
}
