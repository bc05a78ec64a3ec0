package platform

import (
	"fmt"
	"strings"

	"github.com/secure-vpc/secure-vpc/compute/rolepolicy"
	"github.com/secure-vpc/secure-vpc/data/bucketpolicy"
	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/naming"
	"github.com/secure-vpc/secure-vpc/network/netplan"
	"github.com/secure-vpc/secure-vpc/secrets"
	"github.com/secure-vpc/secure-vpc/secrets/resourcepolicy"
)

// checkQuotas refuses a graph that would run into an AWS quota during pulumi up: the counts of
// roles, security groups, load balancers, target groups, web ACLs, Elastic IPs and Cloud Map
// instances the stack creates, and the size of every policy document it writes, measured on the
// documents the components will write with every ARN at its longest.
func checkQuotas(spec *Spec, ps *problems) {
	svcKey := nsKey(keyServices)
	bffs := 0
	instances := 0
	for _, s := range spec.Services {
		if s.Public {
			bffs++
		}
		instances += 2 * s.DesiredCount // a deployment runs up to 200% of the tasks
	}
	groups, _ := netplan.PlanFirewall(spec.FirewallGraph())
	nats := map[NATStrategy]int{NATNone: 0, NATSingle: 1, NATPerAZ: len(spec.Network.AvailabilityZones)}[spec.Network.NATGateways]
	counts := []struct {
		key, quota, what string
		n                int
	}{
		{svcKey, "iamRoles", "IAM roles (a task and an execution role per service and per database's migration task, and the flow-log role)", 2*len(spec.Services) + 2*len(spec.Databases) + 1},
		// The firewall's groups, the endpoints' group and the VPC's default group.
		{svcKey, "securityGroups", "security groups", len(groups) + 2},
		{svcKey, "loadBalancers", "Application Load Balancers (one per BFF)", bffs},
		{svcKey, "targetGroups", "target groups (one per BFF)", bffs},
		{svcKey, "webAcls", "WAF web ACLs (one per BFF)", bffs},
		{nsKey(keyNetwork) + ".natGateways", "elasticIps", "Elastic IP addresses (one per NAT gateway)", nats},
		{svcKey, "cloudMapInstances", "Cloud Map instances in its namespace (each task registers; a deployment runs up to twice desiredCount)", instances},
		{nsKey(keyDatabases), "dbInstances", "RDS DB instances", len(spec.Databases)},
		{nsKey(keyCaches), "cacheNodes", "ElastiCache nodes (one per cache, two in staging and prod)", len(spec.Caches) * spec.CacheNodes},
	}
	for _, c := range counts {
		limit := spec.Quotas[c.quota]
		if c.n <= limit {
			continue
		}
		q := quotaOf(c.quota)
		ps.add(c.key, "the stack would create %d %s, over the quota of %d (%s, %s); split the stack or shrink the graph, or have AWS raise the quota and set %s.%s to the account's new value",
			c.n, c.what, limit, q.Name, q.Source, nsKey(keyQuotas), c.quota)
	}
	checkPolicySizes(spec, ps)
	checkAddresses(spec, instances, bffs, nats, ps)
}

// checkAddresses refuses a network too small for what runs in it: every task takes an address
// of a private subnet (twice desiredCount during a deployment), as does every interface endpoint
// in each of them; every BFF's load balancer needs free addresses in each public subnet, beside
// the NAT gateway's.
func checkAddresses(spec *Spec, tasks, bffs, nats int, ps *problems) {
	plan, err := netplan.PlanCIDRs(spec.Network.CIDR, spec.Network.AvailabilityZones)
	if err != nil || len(spec.Network.AvailabilityZones) == 0 {
		return // the CIDR or the zones are already reported
	}
	usable := func(t contract.Tier) int {
		s := plan.ByTier(t)[0].CIDR
		return 1<<(32-s.Bits()) - awslimits.ReservedAddressesPerSubnet
	}
	azs := len(spec.Network.AvailabilityZones)
	key := nsKey(keyNetwork) + ".cidr"
	endpoints := len(contract.InterfaceEndpoints) + len(spec.ExtraInterfaceEndpoints())
	if room := azs * (usable(contract.Private) - endpoints); tasks > room {
		ps.add(key, "its private subnets (%d of /%d, %d addresses each, %d taken by the VPC endpoints) hold %d tasks, and a deployment of the services runs up to %d; use a larger block or fewer tasks",
			azs, plan.ByTier(contract.Private)[0].CIDR.Bits(), usable(contract.Private), endpoints, room, tasks)
	}
	stores := 0
	for _, d := range spec.Databases {
		stores += map[bool]int{false: 1, true: 2}[d.MultiAZ] // a Multi-AZ standby has an interface of its own
	}
	stores += len(spec.Caches) * spec.CacheNodes
	if room := azs * usable(contract.Isolated); stores > room {
		ps.add(key, "its isolated subnets (%d of /%d, %d addresses each) hold %d database and cache interfaces, and the stores need %d; use a larger block or fewer stores",
			azs, plan.ByTier(contract.Isolated)[0].CIDR.Bits(), usable(contract.Isolated), room, stores)
	}
	if need := bffs*awslimits.FreeAddressesPerALB + min(nats, 1); need > usable(contract.Public) {
		ps.add(key, "its public subnets have %d addresses each, and the BFFs' %d load balancers need %d free in each (%d per load balancer, and the NAT gateway's); use a larger block or fewer BFFs",
			usable(contract.Public), bffs, need, awslimits.FreeAddressesPerALB)
	}
}

// Longest forms of the ARNs the stack's policies name: a 12-digit account, the stack's region,
// and each autonamed physical name with its suffix.
type longestARNs struct{ spec *Spec }

const anyAccount = "000000000000"

func (l longestARNs) role(logical string) string {
	return fmt.Sprintf("arn:aws:iam::%s:role/%s-%s", anyAccount, logical, strings.Repeat("f", naming.AutonameSuffix-1))
}

func (l longestARNs) executionRole(service string) string {
	return l.role(naming.ExecutionRole(service))
}
func (l longestARNs) taskRole(service string) string { return l.role(naming.TaskRole(service)) }

func (l longestARNs) secret(kind contract.SecretKind, name string) string {
	return fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s%s-ffffff", l.spec.Region, anyAccount,
		l.spec.Scope(anyAccount).SecretPrefix(kind, name), strings.Repeat("0", naming.BucketPrefixSuffix))
}

func (l longestARNs) bucket(name string) string {
	return "arn:aws:s3:::" + naming.BucketPrefix(name, l.spec.Stack) + strings.Repeat("0", naming.BucketPrefixSuffix)
}

func (l longestARNs) key() string {
	return fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", l.spec.Region, anyAccount, "ffffffff-ffff-ffff-ffff-ffffffffffff")
}

// checkPolicySizes renders every policy whose length grows with the graph (a secret's readers, a
// bucket's readers and writers, a service's secrets, buckets and databases) and compares it with
// its quota. These quotas cannot be raised.
func checkPolicySizes(spec *Spec, ps *problems) {
	l := longestARNs{spec}
	size := func(text string, err error) int {
		if err != nil {
			return 0
		}
		return len(strings.Join(strings.Fields(text), ""))
	}
	over := func(key string, what string, n int, q awslimits.Quota) {
		if n > q.Limit {
			ps.add(key, "%s would be %d characters long, over the %s (%s); give it fewer readers, or split it", what, n, q, q.Source)
		}
	}
	execRoles := func(services []string) []string {
		out := make([]string, 0, len(services))
		for _, s := range services {
			out = append(out, l.executionRole(s))
		}
		return out
	}
	for _, name := range sortedNames(spec.Secrets) {
		over(nsKey(keySecrets)+"."+name+".readers", "its resource policy", size(resourcepolicy.ReadersPolicy(execRoles(spec.Secrets[name].Readers), spec.DeployRoleArns).JSON()), awslimits.SecretPolicyChars)
	}
	for _, name := range sortedNames(spec.Caches) {
		over(nsKey(keyCaches)+"."+name+".users", "the resource policy of its auth token", size(resourcepolicy.ReadersPolicy(execRoles(spec.Caches[name].Users), spec.DeployRoleArns).JSON()), awslimits.SecretPolicyChars)
	}
	for _, name := range sortedNames(spec.Buckets) {
		b := spec.Buckets[name]
		roles := func(services []string) []string {
			out := make([]string, len(services))
			for i, s := range services {
				out[i] = l.taskRole(s)
			}
			return out
		}
		over(nsKey(keyBuckets)+"."+name, "its bucket policy", size(bucketpolicy.DataBucketPolicy(l.bucket(name), roles(b.Readers), roles(b.Writers), "vpce-"+strings.Repeat("0", 17)).JSON()), awslimits.BucketPolicyBytes)
	}
	for _, name := range sortedNames(spec.Services) {
		w := serviceGrants(spec, name, l)
		exec := size(rolepolicy.ExecutionPolicy(spec.Services[name].Image, spec.Region, "arn:aws:logs:"+spec.Region+":"+anyAccount+":log-group:"+spec.Scope(anyAccount).ServiceLogGroup(name), l.key(), w.secrets).JSON())
		over(nsKey(keyServices)+"."+name, "the inline policy of its execution role (every secret it reads)", exec, awslimits.RoleInlinePolicyChars)
		signingKey := ""
		if spec.Services[name].Public {
			signingKey = l.key()
		}
		issuer := ""
		if spec.CertificateAuthority == secrets.AWSPrivateCA {
			issuer = l.key()
		}
		task := size(rolepolicy.TaskPolicy(spec.Region, anyAccount, l.key(), w.buckets, w.databases, signingKey, issuer).JSON())
		over(nsKey(keyServices)+"."+name, "the inline policy of its task role (its buckets, databases and signing key)", task, awslimits.RoleInlinePolicyChars)
	}
}

// grants are the ARNs a service's role policies name.
type grants struct {
	secrets   []string
	buckets   []rolepolicy.BucketGrant
	databases []rolepolicy.DatabaseGrant
}

// serviceGrants lists, at their longest, the ARNs the policies of a service's roles will name:
// what its wiring grants.
func serviceGrants(spec *Spec, name string, l longestARNs) grants {
	var g grants
	w := WireService(spec, name)
	for _, s := range w.SecretsRead() { // the execution role reads the secrets ECS injects
		g.secrets = append(g.secrets, l.secret(s.Kind, s.Name))
	}
	for _, b := range w.Buckets {
		g.buckets = append(g.buckets, rolepolicy.BucketGrant{Arn: l.bucket(b.Bucket), Read: b.Read, Write: b.Write})
	}
	for _, d := range w.Databases {
		g.databases = append(g.databases, rolepolicy.DatabaseGrant{ResourceID: "db-" + strings.Repeat("F", 26), User: d.User})
	}
	return g
}
