package platform

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-vpc/secure-vpc/compute"
	"github.com/secure-vpc/secure-vpc/data"
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/naming"
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

// SourceFromContext collects the stack config Pulumi gave the program. The Go SDK offers no way
// to list config keys, so the key names come from PULUMI_CONFIG, the variable through which the
// engine (and the offline plan) passes config to Go programs; values and secrecy come from ctx.
func SourceFromContext(ctx *pulumi.Context) Source {
	src := Source{Stack: ctx.Stack(), Values: map[string]string{}, Secret: map[string]bool{}}
	keys := map[string]bool{keyRegion: true}
	for _, k := range Keys {
		keys[nsKey(k)] = true
	}
	var all map[string]string
	if err := json.Unmarshal([]byte(os.Getenv(pulumi.EnvConfig)), &all); err == nil {
		for k := range all {
			keys[k] = true
		}
	}
	for k := range keys {
		if v, ok := ctx.GetConfig(k); ok {
			src.Values[k] = v
			src.Secret[k] = ctx.IsConfigSecret(k)
		}
	}
	if !ctx.RunningWithMocks() {
		// Pulumi marks a key secret when any entry of it is; the stack file tells them apart.
		// (The offline plan reads the stack file itself, before it runs the program.)
		root := ctx.RootDirectory()
		if root == "" {
			root = "."
		}
		src.SecretEntries = SecretEntriesOf(root, ctx.Stack())
	}
	return src
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

	vault, err := secrets.NewVault(ctx, "vault", vaultArgs(spec, account, keys, ids))
	if err != nil {
		return fmt.Errorf("creating vault: %w", err)
	}

	stores, err := buildStores(ctx, spec, account, keys, vpc, ids, fw, vault)
	if err != nil {
		return err
	}

	services, err := buildCompute(ctx, spec, account, keys, vpc, ids, fw, vault, stores)
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

func vaultArgs(spec *Spec, account string, keys *secrets.Keyring, ids *compute.Identities) *secrets.VaultArgs {
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
		desc := s.Description
		if desc == "" {
			desc = "application secret " + name
		}
		args.AppSecrets = append(args.AppSecrets, secrets.AppSecret{Name: name, Description: desc, Value: s.Value(), Readers: s.Readers})
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

func buildStores(ctx *pulumi.Context, spec *Spec, account string, keys *secrets.Keyring, vpc *network.Vpc,
	ids *compute.Identities, fw *network.Firewall, vault *secrets.Vault) (*storeOutputs, error) {
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
func buildCompute(ctx *pulumi.Context, spec *Spec, account string, keys *secrets.Keyring, vpc *network.Vpc,
	ids *compute.Identities, fw *network.Firewall, vault *secrets.Vault, stores *storeOutputs) (*computeOutputs, error) {
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
		wireService(spec, name, args, vault, stores)
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

// envName turns a config name into an environment variable name (users-db -> USERS_DB).
func envName(name string) string {
	return strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// wireService fills in what a service is given: secrets to inject, addresses in its environment,
// and grants on its buckets and databases, all from the declared graph.
func wireService(spec *Spec, name string, args *compute.ServiceArgs, vault *secrets.Vault, stores *storeOutputs) {
	svc := spec.Services[name]
	inject := func(env string, kind contract.SecretKind, secret, key string) {
		args.Secrets = append(args.Secrets, compute.InjectedSecret{Env: env, Arn: vault.SecretArn(kind, secret), JSONKey: key,
			Ready: vault.SecretReady(kind, secret)})
	}
	inject("TLS_CERTIFICATE", contract.TLSSecret, name, "certificate")
	inject("TLS_PRIVATE_KEY", contract.TLSSecret, name, "privateKey")
	inject("TLS_CA_CERTIFICATE", contract.TLSSecret, name, "caCertificate")
	inject("IDENTITY_VERIFICATION_KEY", contract.IdentitySecret, "verification-key", "")
	if svc.Public {
		inject("IDENTITY_SIGNING_KEY", contract.IdentitySecret, "signing-key", "")
	}
	for _, sname := range sortedNames(spec.Secrets) {
		if slices.Contains(spec.Secrets[sname].Readers, name) {
			inject("APP_"+envName(sname), contract.AppSecret, sname, "")
		}
	}

	env := map[string]pulumi.StringInput{
		"SERVICE_NAME": pulumi.String(name),
		"SERVICE_DNS":  pulumi.String(naming.ServiceDNS(name, spec.Stack)),
		"PORT":         pulumi.String(fmt.Sprint(svc.Port)),
		"ENVIRONMENT":  pulumi.String(string(spec.Environment)),
	}
	for _, callee := range svc.Calls {
		env[envName(callee)+"_URL"] = pulumi.String(fmt.Sprintf("https://%s:%d", naming.ServiceDNS(callee, spec.Stack), spec.Services[callee].Port))
	}
	for _, dname := range sortedNames(spec.Databases) {
		d := spec.Databases[dname]
		if d.Owner != name {
			continue
		}
		db := stores.dbs[dname]
		// RDS rotates the master password every 7 days: a value injected at task start would go
		// stale, so the service gets the secret's ARN and reads it when it connects.
		env["DB_"+envName(dname)+"_MASTER_SECRET_ARN"] = db.MasterSecretArn
		env["DB_"+envName(dname)+"_HOST"] = db.Address
		env["DB_"+envName(dname)+"_PORT"] = pulumi.String(fmt.Sprint(d.Port))
		env["DB_"+envName(dname)+"_NAME"] = pulumi.String(naming.DatabaseName(dname))
		env["DB_"+envName(dname)+"_IAM_USER"] = pulumi.String(naming.DatabaseUser(name))
		args.Databases = append(args.Databases, compute.DatabaseAccess{Name: dname, ResourceID: db.ResourceID, User: naming.DatabaseUser(name), MasterSecretArn: db.MasterSecretArn})
	}
	for _, cname := range sortedNames(spec.Caches) {
		c := spec.Caches[cname]
		if !slices.Contains(c.Users, name) {
			continue
		}
		inject("CACHE_"+envName(cname)+"_AUTH_TOKEN", contract.CacheSecret, cname, "")
		env["CACHE_"+envName(cname)+"_HOST"] = stores.cachesBy[cname].PrimaryEndpoint
		env["CACHE_"+envName(cname)+"_PORT"] = pulumi.String(fmt.Sprint(c.Port))
	}
	for _, bname := range sortedNames(spec.Buckets) {
		b := spec.Buckets[bname]
		read, write := slices.Contains(b.Readers, name), slices.Contains(b.Writers, name)
		if !read && !write {
			continue
		}
		env["BUCKET_"+envName(bname)] = stores.bucketsBy[bname].BucketName
		args.Buckets = append(args.Buckets, compute.BucketAccess{Name: bname, Arn: stores.bucketsBy[bname].Arn, Read: read, Write: write})
	}
	args.Environment = env
}

// FirewallGraph is the service graph as the firewall plans it.
func (s *Spec) FirewallGraph() network.FirewallGraph {
	var g network.FirewallGraph
	for _, name := range sortedNames(s.Services) {
		svc := s.Services[name]
		g.Services = append(g.Services, network.ServiceNode{Name: name, Port: svc.Port, Public: svc.Public, Calls: svc.Calls, InternetEgress: svc.InternetEgress})
	}
	for _, name := range sortedNames(s.Databases) {
		d := s.Databases[name]
		g.Databases = append(g.Databases, network.StoreNode{Name: name, Port: d.Port, Users: []string{d.Owner}})
	}
	for _, name := range sortedNames(s.Caches) {
		c := s.Caches[name]
		g.Caches = append(g.Caches, network.StoreNode{Name: name, Port: c.Port, Users: c.Users})
	}
	return g
}

// WithPlaceholderSecrets returns a copy of src in which every declared app secret without a
// value gets a placeholder secret value. The offline plan uses it to show what a stack builds
// before its secrets are set; a real deployment never does (Load then asks for the values).
func WithPlaceholderSecrets(src Source) (Source, []string) {
	out := Source{Stack: src.Stack, Values: maps.Clone(src.Values), Secret: maps.Clone(src.Secret), SecretEntries: maps.Clone(src.SecretEntries)}
	if out.SecretEntries == nil {
		out.SecretEntries = map[string]bool{}
	}
	var declared map[string]json.RawMessage
	if err := json.Unmarshal([]byte(src.Values[nsKey(keySecrets)]), &declared); err != nil || len(declared) == 0 {
		return out, nil
	}
	values := map[string]any{}
	vk := nsKey(keySecretValues)
	if src.Values[vk] == offlineSecret {
		// The whole map was set as one secret (pulumi config set --secret secretValues '{...}'):
		// the offline plan cannot see which values it holds, and pulumi up decrypts and checks
		// them. Stand in for every declared secret.
		for name := range declared {
			values[name] = offlineSecret
			out.SecretEntries[vk+"."+name] = true
		}
		data, _ := json.Marshal(values)
		out.Values[vk], out.Secret[vk] = string(data), true
		return out, nil
	}
	if existing, ok := src.Values[vk]; ok {
		if err := json.Unmarshal([]byte(existing), &values); err != nil {
			return out, nil // leave it for Load to report
		}
	}
	var filled []string
	for name := range declared {
		if _, has := values[name]; !has {
			values[name] = "offline-plan-placeholder"
			filled = append(filled, name)
			out.SecretEntries[vk+"."+name] = true // a stand-in, never a real value
		}
	}
	if len(filled) == 0 {
		return out, nil
	}
	sort.Strings(filled)
	data, _ := json.Marshal(values)
	if len(values) == len(filled) {
		out.Secret[vk] = true // only placeholders; a plaintext value stays plaintext, for Load to reject
	}
	out.Values[vk] = string(data)
	return out, filled
}
