package platform

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
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
	keyRegion       = "aws:region"
)

// Keys lists the project's config keys (without the namespace).
var Keys = []string{keyEnvironment, keyNetwork, keyServices, keyDatabases, keyBuckets, keyCaches, keySecrets, keySecretValues, keyEdge}

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
	regionPattern   = regexp.MustCompile(`^[a-z]{2}-[a-z]+-[0-9]$`)
	imagePattern    = regexp.MustCompile(`^[a-z0-9]([a-z0-9._/-]*[a-z0-9])?(:[0-9]+)?/?[a-z0-9._/-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$`)
	dbClassPattern  = regexp.MustCompile(`^db\.[a-z0-9]+\.[0-9a-z]+$`)
	cacheClassRegex = regexp.MustCompile(`^cache\.[a-z0-9]+\.[0-9a-z]+$`)
	certARNPattern  = regexp.MustCompile(`^arn:aws:acm:([a-z0-9-]+):[0-9]{12}:certificate/[0-9a-f-]{36}$`)
	domainPattern   = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	healthPattern   = regexp.MustCompile(`^/[A-Za-z0-9._~/-]{0,999}$`)
)

// PostgreSQL major versions RDS offers.
var postgresMajors = []string{"13", "14", "15", "16", "17"}

// Instance families RDS no longer offers for current PostgreSQL majors.
var retiredDBFamilies = []string{"db.t1.", "db.t2.", "db.m1.", "db.m2.", "db.m3.", "db.r3."}

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
	switch {
	case spec.Region == "":
		ps.add(keyRegion, "required; set the AWS region of the stack (pulumi config set aws:region eu-west-1)")
	case !regionPattern.MatchString(spec.Region):
		ps.add(keyRegion, "%q is not an AWS commercial region name such as eu-west-1", spec.Region)
	}

	loadNetwork(src, spec, defaults.nat, defaults.flowLogRetention, &ps)
	loadServices(src, spec, defaults.desiredCount, &ps)
	loadDatabases(src, spec, defaults.backupRetention, defaults.multiAZ, &ps)
	loadBuckets(src, spec, &ps)
	loadCaches(src, spec, &ps)
	loadSecrets(src, spec, &ps)
	loadEdge(src, spec, &ps)
	checkGraph(spec, &ps)

	if err := ps.err(src.Stack); err != nil {
		return nil, err
	}
	return spec, nil
}

func checkUnknownKeys(src Source, ps *problems) {
	prefix := Project + ":"
	for _, key := range sortedNames(src.Values) {
		name, ours := strings.CutPrefix(key, prefix)
		if !ours || slices.Contains(Keys, name) {
			continue
		}
		if guess := closest(name, Keys); guess != "" {
			ps.add(key, "unknown config key; did you mean %s%s? (remove or rename it)", prefix, guess)
		} else {
			ps.add(key, "unknown config key (valid keys: %s)", strings.Join(Keys, ", "))
		}
	}
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
	for _, az := range rn.AvailabilityZones {
		switch {
		case seen[az]:
			ps.add(azKey, "%s is listed twice; each AZ must be distinct", az)
		case spec.Region != "" && !regexp.MustCompile(`^`+regexp.QuoteMeta(spec.Region)+`[a-z]$`).MatchString(az):
			ps.add(azKey, "%q is not an availability zone of %s (expected e.g. %sa)", az, spec.Region, spec.Region)
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
		checkPort(sk+".port", svc.Port, 1, ps)
		switch {
		case svc.Image == "":
			ps.add(sk+".image", "required; give the container image as <repository>:<tag> or <repository>@sha256:<digest>")
		case strings.HasSuffix(svc.Image, ":latest"):
			ps.add(sk+".image", "%q uses the mutable tag latest; pin a version tag or a digest so deploys are repeatable", svc.Image)
		case !imagePattern.MatchString(svc.Image):
			ps.add(sk+".image", "%q is not an image reference with a tag or digest (<repository>:<tag> or <repository>@sha256:<digest>)", svc.Image)
		}
		if !validFargateSize(svc.CPU, svc.Memory) {
			ps.add(sk+".memory", "cpu %d with memory %d is not a Fargate task size; e.g. cpu 256 takes memory 512, 1024 or 2048 (see README)", svc.CPU, svc.Memory)
		}
		if svc.DesiredCount < 1 || svc.DesiredCount > 100 {
			ps.add(sk+".desiredCount", "%d is out of range; run 1 to 100 tasks", svc.DesiredCount)
		}
		if !healthPattern.MatchString(svc.HealthCheckPath) {
			ps.add(sk+".healthCheckPath", "%q is not a URL path such as /healthz", svc.HealthCheckPath)
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
	eachEntry(src, keyDatabases, naming.Database, ps, func(name, dk string, rd *rawDatabase, ok bool) {
		if !ok {
			spec.Databases[name] = Database{Name: name}
			return
		}
		db := Database{
			Name: name, Engine: rd.Engine, Version: string(rd.Version), InstanceClass: rd.InstanceClass,
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
		if !slices.Contains(postgresMajors, db.Version) {
			ps.add(dk+".version", "%q is not a PostgreSQL major version RDS offers; use one of %s (major only, so minor upgrades apply without drift)", db.Version, strings.Join(postgresMajors, ", "))
		}
		switch {
		case db.InstanceClass == "":
			ps.add(dk+".instanceClass", "required; e.g. db.t4g.micro")
		case !dbClassPattern.MatchString(db.InstanceClass):
			ps.add(dk+".instanceClass", "%q is not an RDS instance class such as db.t4g.micro", db.InstanceClass)
		case hasAnyPrefix(db.InstanceClass, retiredDBFamilies):
			ps.add(dk+".instanceClass", "%s is not offered for current PostgreSQL versions; use a current class such as db.t4g.micro", db.InstanceClass)
		}
		if rd.Port != nil {
			db.Port = *rd.Port
		}
		checkPort(dk+".port", db.Port, 1150, ps)
		if rd.AllocatedStorage != nil {
			db.AllocatedStorage = *rd.AllocatedStorage
		}
		if db.AllocatedStorage < 20 || db.AllocatedStorage > 65536 {
			ps.add(dk+".allocatedStorage", "%d GiB is out of range; use 20 to 65536", db.AllocatedStorage)
		}
		if rd.MaxAllocatedStorage != nil {
			db.MaxAllocatedStorage = *rd.MaxAllocatedStorage
		}
		if db.MaxAllocatedStorage < db.AllocatedStorage || db.MaxAllocatedStorage > 65536 {
			ps.add(dk+".maxAllocatedStorage", "%d GiB must be between allocatedStorage (%d) and 65536", db.MaxAllocatedStorage, db.AllocatedStorage)
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
			if !cacheClassRegex.MatchString(c.NodeType) {
				ps.add(ck+".nodeType", "%q is not an ElastiCache node type such as cache.t4g.micro", c.NodeType)
			}
		}
		if rc.Port != nil {
			c.Port = *rc.Port
		}
		checkPort(ck+".port", c.Port, 1, ps)
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
	if len(values) > 0 && !src.Secret[vk] {
		ps.add(vk, "holds plaintext values; remove them from the stack file and set each with pulumi config set --secret --path 'secretValues.<name>' <value>")
		return
	}
	for _, name := range sortedNames(values) {
		s, declared := spec.Secrets[name]
		if !declared {
			ps.add(vk+"."+name, "no secret %q is declared under %s; declare it with its readers or remove the value", name, key)
			continue
		}
		if str, isString := values[name].(string); !isString || str == "" {
			ps.add(vk+"."+name, "must be a non-empty string")
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
		if o := spec.Databases[name].Owner; o != "" {
			refs(nsKey(keyDatabases)+"."+name+".owner", []string{o})
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
	case network.ServiceGroup, network.LoadBalancerGroup:
		return nsKey(keyServices) + "." + g.Name
	case network.DatabaseGroup:
		return nsKey(keyDatabases) + "." + g.Name
	case network.CacheGroup:
		return nsKey(keyCaches) + "." + g.Name
	}
	return nsKey(keyServices)
}

// ReservedBucket is the name of the access-log bucket every stack has.
const ReservedBucket = "access-logs"

// MaxDataPorts is how many distinct store ports the isolated NACL can admit: AWS allows 20
// rules per direction by default.
const MaxDataPorts = 20

func checkName(key string, kind naming.Kind, name, stack string, ps *problems) {
	if !naming.Label.MatchString(name) || strings.Contains(name, "--") {
		ps.add(key, "%q is not a valid name; use lowercase letters, digits and single hyphens, starting with a letter (it becomes part of DNS and AWS names)", name)
		return
	}
	if d := naming.Check(kind, name, stack); d != nil {
		ps.add(key, "the name is too long: the %s derived from it would be %d characters and AWS allows %d; use at most %d characters", d.What, d.Physical(), d.Max, naming.MaxLength(kind, stack))
	}
}

func checkPort(key string, port, lowest int, ps *problems) {
	if port == 0 {
		ps.add(key, "required; give the TCP port (%d-65535)", lowest)
		return
	}
	if port < lowest || port > 65535 {
		ps.add(key, "%d is out of range; use %d-65535", port, lowest)
	}
}

func suggest(name string, services map[string]Service) string {
	if guess := closest(name, sortedNames(services)); guess != "" {
		return fmt.Sprintf(" (did you mean %q?)", guess)
	}
	return ""
}

// Fargate task sizes: CPU units to the memory (MiB) values allowed with them.
var fargateSizes = map[int]struct{ min, max, step int }{
	256:   {512, 2048, 0},
	512:   {1024, 4096, 1024},
	1024:  {2048, 8192, 1024},
	2048:  {4096, 16384, 1024},
	4096:  {8192, 30720, 1024},
	8192:  {16384, 61440, 4096},
	16384: {32768, 122880, 8192},
}

func validFargateSize(cpu, memory int) bool {
	s, ok := fargateSizes[cpu]
	if !ok {
		return false
	}
	if s.step == 0 { // 256 CPU units: 512, 1024 or 2048
		return memory == 512 || memory == 1024 || memory == 2048
	}
	return memory >= s.min && memory <= s.max && (memory-s.min)%s.step == 0
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

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
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
