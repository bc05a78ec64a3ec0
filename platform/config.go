package platform

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/secure-vpc/secure-vpc/compute"
	"github.com/secure-vpc/secure-vpc/data"
	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/naming"
	"github.com/secure-vpc/secure-vpc/network"
)

// Source is a stack's config as Pulumi hands it to the program: every key, namespaced
// (`secure-vpc:network`), with its value as a string (objects and lists as JSON), and the set of
// keys whose values are secrets.
type Source struct {
	Stack  string
	Values map[string]string
	Secret map[string]bool
	// SecretEntries says, for each entry of a mapping-valued key (for example
	// "secure-vpc:secretValues.payments-api-key"), whether the stack file holds it encrypted. It
	// is known only where a stack file was read; Pulumi itself marks secrecy per key, not per entry.
	SecretEntries map[string]bool
	// At is when the stack is being deployed, for facts that change with time (which PostgreSQL
	// majors RDS still supports); the zero value means now.
	At time.Time
}

// The config keys of the project namespace.
const (
	keyEnvironment  = "environment"
	keyNetwork      = "network"
	keyServices     = "services"
	keyDatabases    = "databases"
	keyBuckets      = "buckets"
	keyCaches       = "caches"
	keySecrets      = "secrets"
	keySecretValues = "secretValues"
	keyEdge         = "edge"
	keyQuotas       = "quotas"
	keyRegion       = "aws:region"
)

// Keys lists the project's config keys (without the namespace).
var Keys = []string{keyEnvironment, keyNetwork, keyServices, keyDatabases, keyBuckets, keyCaches, keySecrets, keySecretValues, keyEdge, keyQuotas}

func nsKey(k string) string { return Project + ":" + k }

type rawNetwork struct {
	CIDR                 string   `json:"cidr"`
	AvailabilityZones    []string `json:"availabilityZones"`
	NATGateways          string   `json:"natGateways"`
	FlowLogRetentionDays *int     `json:"flowLogRetentionDays"`
	ConnectedCIDRs       []string `json:"connectedCidrs"`
}

type rawService struct {
	Public          bool     `json:"public"`
	Port            int      `json:"port"`
	Image           string   `json:"image"`
	Calls           []string `json:"calls"`
	InternetEgress  bool     `json:"internetEgress"`
	CPU             *int     `json:"cpu"`
	Memory          *int     `json:"memory"`
	DesiredCount    *int     `json:"desiredCount"`
	HealthCheckPath string   `json:"healthCheckPath"`
}

type rawDatabase struct {
	Engine              string     `json:"engine"`
	Version             flexString `json:"version"`
	ExtendedSupport     bool       `json:"extendedSupport"`
	Owner               any        `json:"owner"`
	InstanceClass       string     `json:"instanceClass"`
	Port                *int       `json:"port"`
	AllocatedStorage    *int       `json:"allocatedStorage"`
	MaxAllocatedStorage *int       `json:"maxAllocatedStorage"`
	BackupRetentionDays *int       `json:"backupRetentionDays"`
	MultiAZ             *bool      `json:"multiAz"`
}

type rawBucket struct {
	Readers []string `json:"readers"`
	Writers []string `json:"writers"`
}

type rawCache struct {
	Engine   string   `json:"engine"`
	NodeType string   `json:"nodeType"`
	Port     *int     `json:"port"`
	Users    []string `json:"users"`
}

type rawSecret struct {
	Description string   `json:"description"`
	Readers     []string `json:"readers"`
}

type rawEdge struct {
	CertificateARN string `json:"certificateArn"`
	DomainName     string `json:"domainName"`
	RateLimit      *int   `json:"rateLimit"`
}

// envDefaults are the per-environment settings a stack gets unless its config says otherwise.
var envDefaults = map[Environment]struct {
	nat              NATStrategy
	flowLogRetention int
	protect          bool
	desiredCount     int
	backupRetention  int
	multiAZ          bool
}{
	Dev:     {NATSingle, 30, false, 1, 7, false},
	Staging: {NATSingle, 90, true, 2, 14, true},
	Prod:    {NATPerAZ, 365, true, 2, 30, true},
}

var (
	imagePattern   = regexp.MustCompile(`^[a-z0-9]([a-z0-9._/-]*[a-z0-9])?(:[0-9]+)?/?[a-z0-9._/-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$`)
	certARNPattern = regexp.MustCompile(`^arn:aws:acm:([a-z0-9-]+):[0-9]{12}:certificate/[0-9a-f-]{36}$`)
	domainPattern  = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	healthPattern  = regexp.MustCompile(`^/[A-Za-z0-9._~/-]{0,999}$`)
)

// Load parses and validates a stack's config into a Spec. It returns a *ConfigError listing every
// problem, each naming its key and the fix.
func Load(src Source) (*Spec, error) {
	var ps problems
	spec := &Spec{
		Stack:     src.Stack,
		Services:  map[string]Service{},
		Databases: map[string]Database{},
		Buckets:   map[string]Bucket{},
		Caches:    map[string]Cache{},
		Secrets:   map[string]AppSecret{},
	}

	if !naming.Label.MatchString(src.Stack) || strings.Contains(src.Stack, "--") || len(src.Stack) > naming.MaxStackLength {
		ps.add("stack "+src.Stack, "stack names become part of AWS names (database identifiers, buckets, secrets); use lowercase letters, digits and single hyphens, starting with a letter, at most %d characters", naming.MaxStackLength)
	}
	checkUnknownKeys(src, &ps)

	env := Environment(src.Values[nsKey(keyEnvironment)])
	defaults, known := envDefaults[env]
	switch {
	case env == "":
		ps.add(nsKey(keyEnvironment), "required; set it to dev, staging or prod (pulumi config set environment dev)")
	case !known:
		ps.add(nsKey(keyEnvironment), "%q is not an environment; use dev, staging or prod", string(env))
	}
	if !known {
		// Keep checking the rest with the safest defaults, so an environment typo is reported once
		// and not as a cascade of derived problems.
		defaults = envDefaults[Prod]
	}
	spec.Environment = env
	spec.Protect = defaults.protect

	spec.Region = src.Values[keyRegion]
	switch partition := awslimits.PartitionOf(spec.Region); {
	case spec.Region == "":
		ps.add(keyRegion, "required; set the AWS region of the stack (pulumi config set aws:region eu-west-1)")
	case partition == "":
		hint := ""
		if guess := closest(spec.Region, sortedNames(awslimits.Regions)); guess != "" && editDistance(guess, spec.Region) <= 2 {
			hint = fmt.Sprintf(" (did you mean %s?)", guess)
		}
		ps.add(keyRegion, "%q is not an AWS region; use a commercial region such as eu-west-1%s", spec.Region, hint)
	case partition != "aws":
		ps.add(keyRegion, "%s is in the %s partition; this program builds for the commercial partition (aws) only, whose ARNs, endpoints and service principals it writes: use a commercial region such as eu-west-1", spec.Region, partition)
	case awslimits.ProviderUnknownRegions[spec.Region]:
		ps.add(keyRegion, "%s is an AWS region the pinned AWS provider (pulumi-aws v6) does not know yet and refuses; use another region, or upgrade the provider first", spec.Region)
	}

	loadNetwork(src, spec, defaults.nat, defaults.flowLogRetention, &ps)
	loadServices(src, spec, defaults.desiredCount, &ps)
	loadDatabases(src, spec, defaults.backupRetention, defaults.multiAZ, &ps)
	loadBuckets(src, spec, &ps)
	loadCaches(src, spec, &ps)
	loadSecrets(src, spec, &ps)
	loadEdge(src, spec, &ps)
	loadQuotas(src, spec, &ps)
	checkGraph(spec, &ps)
	checkContracts(spec, &ps)
	checkQuotas(spec, &ps)

	if err := ps.err(src.Stack); err != nil {
		return nil, err
	}
	return spec, nil
}

func checkUnknownKeys(src Source, ps *problems) {
	prefix := Project + ":"
	for _, key := range sortedNames(src.Values) {
		ns, name, _ := strings.Cut(key, ":")
		switch {
		case ns == Project:
			if slices.Contains(Keys, name) {
				continue
			}
			if guess := closest(name, Keys); guess != "" {
				ps.add(key, "unknown config key; did you mean %s%s? (remove or rename it)", prefix, guess)
			} else {
				ps.add(key, "unknown config key (valid keys: %s)", strings.Join(Keys, ", "))
			}
		case ns == "aws" && name != "region" && editDistance(strings.ToLower(name), "region") <= 2:
			// The AWS provider reads its own keys; the one this program reads is aws:region, and a
			// near miss of it would leave the stack without a region.
			ps.add(key, "unknown AWS provider key; did you mean %s? (rename it)", keyRegion)
		case nearProject(ns) || slices.Contains(Keys, name):
			// Pulumi hands keys of other namespaces through unread: a typo in the namespace would
			// silently drop the whole setting (a bucket, a secret, a service).
			guess := name
			if !slices.Contains(Keys, name) {
				if g := closest(name, Keys); g != "" {
					guess = g
				}
			}
			ps.add(key, "the namespace %q is not this project's, so the setting would be ignored; did you mean %s%s? (rename the key)", ns, prefix, guess)
		}
	}
}

// nearProject reports whether a config namespace is a likely misspelling of the project's.
func nearProject(ns string) bool {
	norm := strings.NewReplacer("-", "", "_", "", ".", "").Replace(strings.ToLower(ns))
	return ns != Project && (norm == strings.ReplaceAll(Project, "-", "") || editDistance(strings.ToLower(ns), Project) <= 2)
}

func raw(src Source, key string) (json.RawMessage, bool) {
	v, ok := src.Values[nsKey(key)]
	if !ok || strings.TrimSpace(v) == "" {
		return nil, false
	}
	return json.RawMessage(v), true
}

// eachEntry decodes a mapping of named entries (services, databases, ...): it checks every name,
// decodes every entry strictly into a fresh R and hands it to use, in name order. ok is false when
// the entry did not decode (its problems are already reported); use should still record the name,
// so that references to it do not add "unknown" problems. It returns the number of entries and
// whether the key is set at all.
func eachEntry[R any](src Source, key string, kind naming.Kind, ps *problems, use func(name, entryKey string, r *R, ok bool)) (int, bool) {
	full := nsKey(key)
	data, present := raw(src, key)
	if !present {
		return 0, false
	}
	entries, ok := decodeMap(full, data, ps)
	if !ok {
		return 0, true
	}
	for _, name := range sortedNames(entries) {
		entryKey := full + "." + name
		checkName(entryKey, kind, name, src.Stack, ps)
		var r R
		use(name, entryKey, &r, decodeObject(entryKey, entries[name], &r, ps))
	}
	return len(entries), true
}

func loadNetwork(src Source, spec *Spec, nat NATStrategy, retention int, ps *problems) {
	key := nsKey(keyNetwork)
	data, ok := raw(src, keyNetwork)
	if !ok {
		ps.add(key, "required; set cidr, availabilityZones and (optionally) natGateways")
		return
	}
	var rn rawNetwork
	decodeObject(key, data, &rn, ps)

	n := &spec.Network
	switch {
	case rn.CIDR == "":
		ps.add(key+".cidr", "required; use a private IPv4 range such as 10.20.0.0/16")
	default:
		p, err := netip.ParsePrefix(rn.CIDR)
		switch {
		case err != nil || !p.Addr().Is4():
			ps.add(key+".cidr", "%q is not an IPv4 CIDR block such as 10.20.0.0/16", rn.CIDR)
		case p.Masked() != p:
			ps.add(key+".cidr", "%s has host bits set; use the network address %s", rn.CIDR, p.Masked())
		case !isPrivate(p):
			ps.add(key+".cidr", "%s is not a private range; use a block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16", rn.CIDR)
		case p.Bits() < network.MinVPCPrefix:
			ps.add(key+".cidr", "/%d is larger than AWS allows for a VPC; use a /%d to /%d block", p.Bits(), network.MinVPCPrefix, network.MaxVPCPrefix)
		case p.Bits() > network.MaxVPCPrefix:
			ps.add(key+".cidr", "/%d is too small for 3 tiers x 3 AZs (a public subnet must be at least /27); use a /%d or larger block", p.Bits(), network.MaxVPCPrefix)
		default:
			n.CIDR = p
		}
	}

	for i, c := range rn.ConnectedCIDRs {
		ck := fmt.Sprintf("%s.connectedCidrs[%d]", key, i)
		p, err := netip.ParsePrefix(c)
		if err != nil || !p.Addr().Is4() || p.Masked() != p {
			ps.add(ck, "%q is not an IPv4 network address in CIDR form such as 10.30.0.0/16", c)
			continue
		}
		if n.CIDR.IsValid() && n.CIDR.Overlaps(p) {
			ps.add(ck, "%s overlaps the VPC CIDR %s; pick a VPC CIDR that does not overlap the networks it will be connected to", c, n.CIDR)
		}
		n.ConnectedCIDRs = append(n.ConnectedCIDRs, p)
	}

	azKey := key + ".availabilityZones"
	seen := map[string]bool{}
	region, knownRegion := awslimits.LookupRegion(spec.Region)
	for _, az := range rn.AvailabilityZones {
		switch {
		case seen[az]:
			ps.add(azKey, "%s is listed twice; each AZ must be distinct", az)
		case knownRegion && !region.HasZone(az):
			ps.add(azKey, "%q is not an availability zone of %s; its zones are %s (each account sees some of them: aws ec2 describe-availability-zones)", az, spec.Region, strings.Join(region.ZoneNames(), ", "))
		}
		seen[az] = true
	}
	if len(rn.AvailabilityZones) < 2 || len(rn.AvailabilityZones) > 3 {
		ps.add(azKey, "has %d zone(s); list 2 or 3 distinct zones (load balancers and DB subnet groups need at least 2)", len(rn.AvailabilityZones))
	}
	n.AvailabilityZones = rn.AvailabilityZones

	n.NATGateways = nat
	if rn.NATGateways != "" {
		n.NATGateways = NATStrategy(rn.NATGateways)
		if !slices.Contains([]string{string(NATNone), string(NATSingle), string(NATPerAZ)}, rn.NATGateways) {
			ps.add(key+".natGateways", "%q is not a NAT strategy; use none, single or perAz", rn.NATGateways)
		}
	}

	n.FlowLogRetentionDays = retention
	if rn.FlowLogRetentionDays != nil {
		n.FlowLogRetentionDays = *rn.FlowLogRetentionDays
		if !awslimits.ValidLogRetention(n.FlowLogRetentionDays) {
			ps.add(key+".flowLogRetentionDays", "%d is not a retention CloudWatch Logs accepts; use one of %s", n.FlowLogRetentionDays, ints(awslimits.LogRetentionDays))
		}
	}
}

func loadServices(src Source, spec *Spec, desired int, ps *problems) {
	key := nsKey(keyServices)
	count, present := eachEntry(src, keyServices, naming.Service, ps, func(name, sk string, rs *rawService, ok bool) {
		if !ok {
			spec.Services[name] = Service{Name: name, Public: rs.Public}
			return
		}
		svc := Service{
			Name: name, Public: rs.Public, Port: rs.Port, Image: rs.Image, Calls: rs.Calls,
			InternetEgress: rs.InternetEgress, CPU: 256, Memory: 512, DesiredCount: desired,
			HealthCheckPath: "/healthz",
		}
		if rs.CPU != nil {
			svc.CPU = *rs.CPU
		}
		if rs.Memory != nil {
			svc.Memory = *rs.Memory
		}
		if rs.DesiredCount != nil {
			svc.DesiredCount = *rs.DesiredCount
		}
		if rs.HealthCheckPath != "" {
			svc.HealthCheckPath = rs.HealthCheckPath
		}
		checkPort(sk+".port", svc.Port, awslimits.TaskPorts, ps)
		switch {
		case svc.Image == "":
			ps.add(sk+".image", "required; give the container image as <repository>:<tag> or <repository>@sha256:<digest>")
		case strings.HasSuffix(svc.Image, ":latest"):
			ps.add(sk+".image", "%q uses the mutable tag latest; pin a version tag or a digest so deploys are repeatable", svc.Image)
		case !imagePattern.MatchString(svc.Image):
			ps.add(sk+".image", "%q is not an image reference with a tag or digest (<repository>:<tag> or <repository>@sha256:<digest>)", svc.Image)
		case !svc.InternetEgress && !pullsThroughEndpoints(svc.Image, spec.Region):
			// The task pulls its image at start: without internet egress it reaches only the VPC
			// endpoints, which serve the ECR registries of the stack's own region.
			ps.add(sk+".image", "%s is pulled from %s, which the task cannot reach: without internetEgress it reaches only the VPC endpoints, which serve ECR in %s; push the image to an ECR repository in %s, or set %s.internetEgress: true (with a NAT strategy)",
				svc.Image, registryOf(svc.Image), spec.Region, spec.Region, sk)
		}
		switch {
		case awslimits.FargateMemoryChoices(svc.CPU) == "":
			ps.add(sk+".cpu", "%d is not a Fargate task CPU size; use 256, 512, 1024, 2048, 4096, 8192 or 16384 (CPU units)", svc.CPU)
		case !awslimits.ValidFargateSize(svc.CPU, svc.Memory):
			ps.add(sk+".memory", "cpu %d with memory %d is not a Fargate task size; cpu %d takes memory %s (MiB)", svc.CPU, svc.Memory, svc.CPU, awslimits.FargateMemoryChoices(svc.CPU))
		}
		if svc.DesiredCount < 1 || svc.DesiredCount > 100 {
			ps.add(sk+".desiredCount", "%d is out of range; run 1 to 100 tasks", svc.DesiredCount)
		}
		switch {
		case !healthPattern.MatchString(svc.HealthCheckPath):
			ps.add(sk+".healthCheckPath", "%q is not a URL path such as /healthz", svc.HealthCheckPath)
		case rs.HealthCheckPath != "" && !svc.Public:
			ps.add(sk+".healthCheckPath", "has no effect: only a BFF's load balancer checks health (ECS restarts a private service's tasks when they exit); remove it")
		}
		if d := naming.Check(naming.BFF, name, src.Stack); svc.Public && d != nil && naming.Check(naming.Service, name, src.Stack) == nil {
			ps.add(sk, "the name is too long for a BFF: the %s derived from it would be %d characters and AWS allows %d; use at most %d characters", d.What, d.Physical(), d.Max, naming.MaxLength(naming.BFF, src.Stack))
		}
		if lb := naming.LoadBalancer(name); svc.Public && strings.HasPrefix(lb, awslimits.LoadBalancerReservedPrefix) {
			ps.add(sk, "the BFF's load balancer would be named %s-..., and Elastic Load Balancing refuses names that begin with %q (it reserves them for internal load balancers' DNS names); rename the service", lb, awslimits.LoadBalancerReservedPrefix)
		}
		spec.Services[name] = svc
	})
	switch {
	case !present:
		ps.add(key, "required; declare at least one service (see README, config reference)")
	case count == 0:
		ps.add(key, "declares no service; declare at least one")
	}
}

func loadDatabases(src Source, spec *Spec, backup int, multiAZ bool, ps *problems) {
	at := src.At
	if at.IsZero() {
		at = time.Now().UTC()
	}
	eachEntry(src, keyDatabases, naming.Database, ps, func(name, dk string, rd *rawDatabase, ok bool) {
		if !ok {
			spec.Databases[name] = Database{Name: name}
			return
		}
		db := Database{
			Name: name, Engine: rd.Engine, Version: string(rd.Version), ExtendedSupport: rd.ExtendedSupport, InstanceClass: rd.InstanceClass,
			Port: 5432, AllocatedStorage: 20, MaxAllocatedStorage: 100, BackupRetentionDays: backup, MultiAZ: multiAZ,
		}
		switch owner := rd.Owner.(type) {
		case nil:
			ps.add(dk+".owner", "required; name the one service that owns this database")
		case string:
			db.Owner = owner
		case []any:
			ps.add(dk+".owner", "lists %d services; a database has exactly one owner: give one service name and let others call it", len(owner))
		default:
			ps.add(dk+".owner", "must be the name of one service")
		}
		if db.Engine != "postgres" {
			ps.add(dk+".engine", "%q is not supported; use postgres", db.Engine)
		}
		checkPostgresMajor(dk, db, at, ps, &spec.Notices)
		switch {
		case db.InstanceClass == "":
			ps.add(dk+".instanceClass", "required; e.g. db.t4g.micro")
		default:
			major := db.Version
			if _, known := awslimits.LookupPostgresMajor(major); !known {
				major = "" // the version is reported on its own
			}
			if err := awslimits.CheckDBInstanceClass(db.InstanceClass, major); err != nil {
				ps.add(dk+".instanceClass", "%v", err)
			}
		}
		if err := awslimits.CheckDatabaseName(naming.DatabaseName(name)); err != nil {
			ps.add(dk, "RDS would create the PostgreSQL database %s from this name (hyphens become underscores), but %v; rename the database", naming.DatabaseName(name), err)
		}
		if rd.Port != nil {
			db.Port = *rd.Port
		}
		checkPort(dk+".port", db.Port, awslimits.PostgresPorts, ps)
		if rd.AllocatedStorage != nil {
			db.AllocatedStorage = *rd.AllocatedStorage
		}
		if db.AllocatedStorage < 20 || db.AllocatedStorage > maxStorageGiB {
			ps.add(dk+".allocatedStorage", "%d GiB is out of range; use 20 to %d", db.AllocatedStorage, maxStorageGiB)
		}
		// Storage autoscaling needs its ceiling at least 10% above the allocated storage, and at
		// most 65536 GiB: by default the ceiling follows, and autoscaling is off (0) where it
		// cannot fit.
		low := awslimits.MinMaxAllocatedStorage(db.AllocatedStorage)
		db.MaxAllocatedStorage = max(db.MaxAllocatedStorage, low)
		if low > maxStorageGiB {
			db.MaxAllocatedStorage = 0
		}
		if rd.MaxAllocatedStorage != nil {
			db.MaxAllocatedStorage = *rd.MaxAllocatedStorage
		}
		switch ms := db.MaxAllocatedStorage; {
		case ms == 0: // storage autoscaling off
		case low > maxStorageGiB:
			ps.add(dk+".maxAllocatedStorage", "storage autoscaling needs a ceiling of at least %d GiB (10%% above allocatedStorage), more than RDS allows (%d); set it to 0 to turn autoscaling off", low, maxStorageGiB)
		case ms < low || ms > maxStorageGiB:
			ps.add(dk+".maxAllocatedStorage", "%d GiB is out of range; storage autoscaling needs at least 10%% above allocatedStorage (%d), so use %d to %d, or 0 to turn it off", ms, db.AllocatedStorage, low, maxStorageGiB)
		}
		if rd.BackupRetentionDays != nil {
			db.BackupRetentionDays = *rd.BackupRetentionDays
		}
		if db.BackupRetentionDays < 7 || db.BackupRetentionDays > 35 {
			ps.add(dk+".backupRetentionDays", "%d is out of range; keep 7 to 35 days of backups", db.BackupRetentionDays)
		}
		if rd.MultiAZ != nil {
			db.MultiAZ = *rd.MultiAZ
		}
		spec.Databases[name] = db
	})
}

func loadBuckets(src Source, spec *Spec, ps *problems) {
	eachEntry(src, keyBuckets, naming.Bucket, ps, func(name, bk string, rb *rawBucket, ok bool) {
		if ok && len(rb.Readers)+len(rb.Writers) == 0 {
			ps.add(bk, "has no readers or writers; name the services that use it, or remove the bucket")
		}
		// S3 appends 26 digits to the prefix; what it reserves is at the start of the name.
		if err := awslimits.CheckBucketName(naming.BucketPrefix(name, src.Stack) + strings.Repeat("0", naming.BucketPrefixSuffix)); err != nil && naming.Check(naming.Bucket, name, src.Stack) == nil && naming.Label.MatchString(name) {
			ps.add(bk, "the bucket would be named %s<26 digits>, and %v; rename the bucket", naming.BucketPrefix(name, src.Stack), err)
		}
		spec.Buckets[name] = Bucket{Name: name, Readers: rb.Readers, Writers: rb.Writers}
	})
}

func loadCaches(src Source, spec *Spec, ps *problems) {
	eachEntry(src, keyCaches, naming.Cache, ps, func(name, ck string, rc *rawCache, ok bool) {
		if !ok {
			spec.Caches[name] = Cache{Name: name}
			return
		}
		c := Cache{Name: name, Engine: Valkey, NodeType: "cache.t4g.micro", Port: 6379, Users: rc.Users}
		if rc.Engine != "" {
			c.Engine = CacheEngine(rc.Engine)
			if c.Engine != Valkey && c.Engine != Redis {
				ps.add(ck+".engine", "%q is not supported; use valkey or redis", rc.Engine)
			}
		}
		if rc.NodeType != "" {
			c.NodeType = rc.NodeType
		}
		if err := awslimits.CheckCacheNodeType(c.NodeType, spec.Region); err != nil {
			ps.add(ck+".nodeType", "%v", err)
		}
		if rc.Port != nil {
			c.Port = *rc.Port
		}
		checkPort(ck+".port", c.Port, awslimits.CachePorts, ps)
		if len(c.Users) == 0 {
			ps.add(ck+".users", "required; name the services that use this cache")
		}
		spec.Caches[name] = c
	})
}

func loadSecrets(src Source, spec *Spec, ps *problems) {
	key := nsKey(keySecrets)
	eachEntry(src, keySecrets, naming.Secret, ps, func(name, sk string, rs *rawSecret, ok bool) {
		if !ok {
			spec.Secrets[name] = AppSecret{Name: name, HasValue: true} // one problem per entry is enough
			return
		}
		if len(rs.Readers) == 0 {
			ps.add(sk+".readers", "required; name the services that may read this secret")
		}
		spec.Secrets[name] = AppSecret{Name: name, Description: rs.Description, Readers: rs.Readers}
	})

	vk := nsKey(keySecretValues)
	defer func() {
		for _, name := range sortedNames(spec.Secrets) {
			if !spec.Secrets[name].HasValue {
				ps.add(vk+"."+name, "not set; set the value with pulumi config set --secret --path 'secretValues.%s' <value>", name)
			}
		}
	}()
	data, ok := raw(src, keySecretValues)
	if !ok {
		return
	}
	var values map[string]any
	if err := json.Unmarshal(data, &values); err != nil {
		ps.add(vk, "must be a mapping of secret names to values set with pulumi config set --secret --path")
		return
	}
	for _, name := range sortedNames(values) {
		encrypted := src.Secret[vk]
		if known, ok := src.SecretEntries[vk+"."+name]; ok {
			encrypted = known // the stack file says, entry by entry
		}
		if !encrypted {
			ps.add(vk+"."+name, "is stored in plaintext; remove it from the stack file and set it with pulumi config set --secret --path 'secretValues.%s' <value>", name)
			if s, declared := spec.Secrets[name]; declared {
				s.HasValue = true // reported once, as plaintext, not again as missing
				spec.Secrets[name] = s
			}
			continue
		}
		s, declared := spec.Secrets[name]
		if !declared {
			ps.add(vk+"."+name, "no secret %q is declared under %s; declare it with its readers or remove the value", name, key)
			continue
		}
		if str, isString := values[name].(string); !isString || str == "" {
			ps.add(vk+"."+name, "must be a non-empty string; set it with pulumi config set --secret --path 'secretValues.%s' <value>", name)
			s.HasValue = true // reported once, not again as missing
			spec.Secrets[name] = s
			continue
		}
		s.HasValue = true
		s.value = values[name].(string)
		spec.Secrets[name] = s
	}
}

func loadEdge(src Source, spec *Spec, ps *problems) {
	key := nsKey(keyEdge)
	spec.Edge.RateLimit = 1000
	var re rawEdge
	if data, ok := raw(src, keyEdge); ok {
		decodeObject(key, data, &re, ps)
	}
	if re.CertificateARN != "" {
		m := certARNPattern.FindStringSubmatch(re.CertificateARN)
		switch {
		case m == nil:
			ps.add(key+".certificateArn", "%q is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)", re.CertificateARN)
		case spec.Region != "" && m[1] != spec.Region:
			ps.add(key+".certificateArn", "the certificate is in %s but the stack is in %s; a load balancer needs a certificate from its own region", m[1], spec.Region)
		}
	}
	spec.Edge.CertificateARN = re.CertificateARN
	if re.DomainName != "" && !domainPattern.MatchString(re.DomainName) {
		ps.add(key+".domainName", "%q is not a lowercase DNS name such as api.example.com", re.DomainName)
	}
	for _, name := range sortedNames(spec.Services) {
		if host := compute.Host(name, re.DomainName); re.DomainName != "" && spec.Services[name].Public && len(host) > 253 {
			ps.add(key+".domainName", "the BFF %s would be served as %s, longer than the 253 characters of a DNS name; use a shorter domain", name, host)
		}
	}
	spec.Edge.DomainName = re.DomainName
	if re.RateLimit != nil {
		spec.Edge.RateLimit = *re.RateLimit
		if *re.RateLimit < 10 || *re.RateLimit > 2000000000 {
			ps.add(key+".rateLimit", "%d is out of range; WAF rate limits take 10 to 2000000000 requests per 5 minutes per IP", *re.RateLimit)
		}
	}
	needsCert := false
	for _, s := range spec.Services {
		needsCert = needsCert || s.Public
	}
	if needsCert && re.CertificateARN == "" && (spec.Environment == Staging || spec.Environment == Prod) {
		ps.add(key+".certificateArn", "required in %s: the BFF load balancers need a real ACM certificate (a self-signed one is only imported in dev); set it with pulumi config set --path edge.certificateArn <arn>", spec.Environment)
	}
}

// checkGraph enforces the rules that tie the graph together: every name refers to a declared
// service, nobody calls a BFF, names are unique across kinds, and the isolated tier's NACL can
// hold a rule per data port.
func checkGraph(spec *Spec, ps *problems) {
	svcKey := nsKey(keyServices)
	for _, name := range sortedNames(spec.Services) {
		svc := spec.Services[name]
		seen := map[string]bool{}
		for _, callee := range svc.Calls {
			ck := svcKey + "." + name + ".calls"
			target, exists := spec.Services[callee]
			switch {
			case seen[callee]:
				ps.add(ck, "%s is listed twice", callee)
			case !exists:
				ps.add(ck, "unknown service %q; declare it under %s or fix the name%s", callee, svcKey, suggest(callee, spec.Services))
			case callee == name:
				ps.add(ck, "%s calls itself; remove it from its own calls", name)
			case target.Public:
				ps.add(ck, "%s is a BFF (public: true); BFFs are entry points and nobody calls them, so move the shared logic to a private service", callee)
			}
			seen[callee] = true
		}
	}
	refs := func(key string, names []string) {
		for _, n := range names {
			if _, ok := spec.Services[n]; !ok {
				ps.add(key, "unknown service %q; declare it under %s or fix the name%s", n, svcKey, suggest(n, spec.Services))
			}
		}
	}
	for _, name := range sortedNames(spec.Databases) {
		o := spec.Databases[name].Owner
		if o == "" {
			continue
		}
		ok := nsKey(keyDatabases) + "." + name + ".owner"
		refs(ok, []string{o})
		owner, exists := spec.Services[o]
		switch {
		case !exists:
		case owner.Public:
			ps.add(ok, "%s is a BFF (public: true), and a BFF never owns a database: the strategy keeps data behind private services (only the Users Service reaches the user database). Let a private service own it and have the BFF call that service", o)
		case naming.DatabaseUser(o) == data.MasterUsername:
			ps.add(ok, "the owner connects as the database role %s, which is the database's master user; rename the service or pick another owner", data.MasterUsername)
		default:
			if err := awslimits.CheckRoleName(naming.DatabaseUser(o)); err != nil {
				ps.add(ok, "the owner connects as the database role %s (its name with underscores for hyphens), and %v; rename the service or pick another owner", naming.DatabaseUser(o), err)
			}
		}
	}
	if spec.Network.NATGateways == NATNone {
		for _, name := range sortedNames(spec.Services) {
			if spec.Services[name].InternetEgress {
				ps.add(svcKey+"."+name+".internetEgress", "is true, but %s.natGateways is none: the egress rule would exist with no route out of the VPC; set %s.natGateways to single or perAz, or remove internetEgress", nsKey(keyNetwork), nsKey(keyNetwork))
			}
		}
	}
	for _, name := range sortedNames(spec.Buckets) {
		refs(nsKey(keyBuckets)+"."+name+".readers", spec.Buckets[name].Readers)
		refs(nsKey(keyBuckets)+"."+name+".writers", spec.Buckets[name].Writers)
	}
	for _, name := range sortedNames(spec.Caches) {
		refs(nsKey(keyCaches)+"."+name+".users", spec.Caches[name].Users)
	}
	for _, name := range sortedNames(spec.Secrets) {
		refs(nsKey(keySecrets)+"."+name+".readers", spec.Secrets[name].Readers)
	}

	owner := map[string]string{}
	claim := func(kind, name string) {
		if prev, taken := owner[name]; taken {
			ps.add(nsKey(kind)+"."+name, "the name %q is already used under %s; names must be unique across services, databases, buckets, caches and secrets", name, nsKey(prev))
			return
		}
		owner[name] = kind
	}
	for _, n := range sortedNames(spec.Services) {
		claim(keyServices, n)
	}
	for _, n := range sortedNames(spec.Databases) {
		claim(keyDatabases, n)
	}
	for _, n := range sortedNames(spec.Buckets) {
		if n == ReservedBucket {
			ps.add(nsKey(keyBuckets)+"."+n, "the name %q is reserved for the stack's access-log bucket; choose another", n)
		}
		claim(keyBuckets, n)
	}
	for _, n := range sortedNames(spec.Caches) {
		claim(keyCaches, n)
	}
	for _, n := range sortedNames(spec.Secrets) {
		claim(keySecrets, n)
	}

	_, rules := network.PlanFirewall(spec.FirewallGraph())
	// Rule names join group and peer names ("svc-a-to-svc-b-8443"): names that hold "-to-" or
	// "-from-" can make two rules one name, which Pulumi refuses as a duplicate resource.
	named := map[string]network.FirewallRule{}
	for _, r := range rules {
		if first, taken := named[r.Name()]; taken && (first.Group != r.Group || first.Egress != r.Egress) {
			ps.add(groupKey(r.Group), "its firewall rule to or from %s would be named %s, like the rule of %s to or from %s; rename one of the services (names with -to- or -from- in them collide)",
				r.Peer.Label(), r.Name(), first.Group.Label(), first.Peer.Label())
		}
		named[r.Name()] = r
	}
	counts := network.RuleCounts(rules)
	for _, g := range sortedGroups(counts) {
		c := counts[g]
		for dir, n := range map[string]int{"inbound": c[0], "outbound": c[1]} {
			if n <= network.MaxRulesPerGroup {
				continue
			}
			ps.add(groupKey(g), "its security group %s would need %d %s rules and AWS allows %d per group (the default quota); split the service or reduce its callers, callees and stores",
				g.Label(), n, dir, network.MaxRulesPerGroup)
		}
	}

	if ports := spec.DataPorts(); len(ports) > MaxDataPorts {
		ps.add(nsKey(keyDatabases), "the databases and caches use %d distinct ports; the isolated tier's network ACL holds one rule per port and at most %d, so share ports", len(ports), MaxDataPorts)
	}
}

func sortedGroups(m map[network.Group][2]int) []network.Group {
	out := make([]network.Group, 0, len(m))
	for g := range m {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label() < out[j].Label() })
	return out
}

// groupKey is the config key a security group comes from.
func groupKey(g network.Group) string {
	switch g.Kind {
	case contract.ServiceGroup, contract.LoadBalancerGroup:
		return nsKey(keyServices) + "." + g.Name
	case contract.DatabaseGroup:
		return nsKey(keyDatabases) + "." + g.Name
	case contract.CacheGroup:
		return nsKey(keyCaches) + "." + g.Name
	}
	return nsKey(keyServices)
}

// majorNumber reads a PostgreSQL major ("16") as a number; 0 when it is not one.
func majorNumber(major string) int {
	n, _ := strconv.Atoi(major)
	return n
}

// standardSupportWarningDays is how long before a PostgreSQL major leaves RDS standard support
// the plan says so.
const standardSupportWarningDays = 183

// maxStorageGiB is the most storage RDS for PostgreSQL gives a gp3 instance
// (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html).
const maxStorageGiB = 65536

// ReservedBucket is the name of the access-log bucket every stack has.
const ReservedBucket = "access-logs"

// MaxDataPorts is how many distinct store ports the isolated NACL can admit: one rule per port,
// within AWS's default quota of rules per direction, which counts the default deny rule.
var MaxDataPorts = awslimits.RulesPerNetworkACL.Limit - 1

// ecrRegistry is an ECR private registry host: <account>.dkr.ecr.<region>.amazonaws.com.
var ecrRegistry = regexp.MustCompile(`^[0-9]{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com$`)

// registryOf is the registry host of an image reference (docker.io when it names none).
func registryOf(image string) string {
	first, _, found := strings.Cut(image, "/")
	if !found || !strings.ContainsAny(first, ".:") && first != "localhost" {
		return "docker.io"
	}
	return first
}

// pullsThroughEndpoints reports whether a task can pull an image with no route to the internet:
// from a private ECR registry of the stack's region, through the ecr.api, ecr.dkr and S3
// endpoints (the layers are in that region's S3).
func pullsThroughEndpoints(image, region string) bool {
	m := ecrRegistry.FindStringSubmatch(registryOf(image))
	return m != nil && m[1] == region
}

func checkName(key string, kind naming.Kind, name, stack string, ps *problems) {
	if !naming.Label.MatchString(name) || strings.Contains(name, "--") {
		ps.add(key, "%q is not a valid name; use lowercase letters, digits and single hyphens, starting with a letter (it becomes part of DNS and AWS names)", name)
		return
	}
	if d := naming.Check(kind, name, stack); d != nil {
		ps.add(key, "the name is too long: the %s derived from it would be %d characters and AWS allows %d; use at most %d characters", d.What, d.Physical(), d.Max, naming.MaxLength(kind, stack))
	}
}

// checkPostgresMajor refuses a PostgreSQL major RDS does not run, and one past RDS standard
// support unless the database opts in to paid RDS Extended Support (extendedSupport: true).
func checkPostgresMajor(dk string, db Database, at time.Time, ps *problems, notices *[]string) {
	vk := dk + ".version"
	major, known := awslimits.LookupPostgresMajor(db.Version)
	current := strings.Join(awslimits.StandardSupportMajors(at), ", ")
	day := func(t time.Time) string { return t.Format("2006-01-02") }
	switch {
	case !known:
		ps.add(vk, "%q is not a PostgreSQL major version RDS runs; use one of %s (major only, so minor upgrades apply without drift)", db.Version, current)
	case majorNumber(db.Version) < data.MinimumMajor:
		ps.add(vk, "PostgreSQL %s lacks ssl_min_protocol_version (added in 12), with which the platform holds every connection to TLS 1.2 or later; use one of %s", db.Version, current)
	case major.InStandardSupport(at) && !major.InStandardSupport(at.AddDate(0, 0, standardSupportWarningDays)):
		*notices = append(*notices, fmt.Sprintf("%s: PostgreSQL %s leaves RDS standard support on %s; from the day after, RDS bills Extended Support for the running instance and this loader refuses the version: upgrade before then",
			vk, db.Version, day(major.StandardSupportEnds)))
	case major.InStandardSupport(at):
	case !major.InExtendedSupport(at):
		ps.add(vk, "RDS no longer runs PostgreSQL %s (Extended Support ended %s); use one of %s", db.Version, day(major.ExtendedSupportEnds), current)
	case !db.ExtendedSupport:
		ps.add(vk, "PostgreSQL %s left RDS standard support on %s and would run on paid RDS Extended Support (until %s); use one of %s, or set %s.extendedSupport: true to accept the charge",
			db.Version, day(major.StandardSupportEnds), day(major.ExtendedSupportEnds), current, dk)
	}
}

func checkPort(key string, port int, r awslimits.PortRange, ps *problems) {
	switch {
	case port == 0:
		ps.add(key, "required; give the TCP port (%d-%d)", r.Lowest, r.Highest)
	case port < 1 || port > 65535:
		ps.add(key, "%d is out of range; use %d-%d", port, r.Lowest, r.Highest)
	case !r.Contains(port):
		ps.add(key, "%d cannot work: %s; use %d-%d", port, r.Why, r.Lowest, r.Highest)
	}
}

func suggest(name string, services map[string]Service) string {
	if guess := closest(name, sortedNames(services)); guess != "" {
		return fmt.Sprintf(" (did you mean %q?)", guess)
	}
	return ""
}

var privateRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
}

func isPrivate(p netip.Prefix) bool {
	for _, r := range privateRanges {
		if r.Bits() <= p.Bits() && r.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

func ints(list []int) string {
	parts := make([]string, len(list))
	for i, n := range list {
		parts[i] = fmt.Sprint(n)
	}
	return strings.Join(parts, ", ")
}
