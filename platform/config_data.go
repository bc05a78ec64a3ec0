package platform

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/secure-vpc/secure-vpc/data"
	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/naming"
)

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
	MigrationImage      *string    `json:"migrationImage"`
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

func loadDatabases(src Source, spec *Spec, ps *problems) {
	at := src.At
	if at.IsZero() {
		at = time.Now().UTC()
	}
	eachEntry(src, keyDatabases, naming.Database, ps, func(name, dk string, rd *rawDatabase, ok bool) {
		if !ok {
			spec.Databases[name] = Database{Name: name}
			return
		}
		env := spec.Environment
		db := Database{
			Name: name, Engine: rd.Engine, Version: string(rd.Version), ExtendedSupport: rd.ExtendedSupport, InstanceClass: rd.InstanceClass,
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
		db.Port = databasePort.resolve(dk, env, rd.Port, ps)
		db.AllocatedStorage = allocatedStorage.resolve(dk, env, rd.AllocatedStorage, ps)
		db.MaxAllocatedStorage = resolveMaxAllocatedStorage(dk, env, db.AllocatedStorage, rd.MaxAllocatedStorage, ps)
		db.BackupRetentionDays = backupRetentionDays.resolve(dk, env, rd.BackupRetentionDays, ps)
		db.MultiAZ = multiAZ.resolve(dk, env, rd.MultiAZ, ps)
		db.MigrationImage = resolveMigrationImage(dk, db.Owner, rd.MigrationImage, spec, ps)
		spec.Databases[name] = db
	})
}

// resolveMigrationImage is the image of a database's migration task: migrationImage, else its
// owner's image. The task has no internet egress, so the image must come from ECR in the stack's
// region (through the VPC endpoints). An owner's image the loader already refuses (its format, or
// a registry it cannot reach without internetEgress), or an unknown owner, is reported under the
// service and the owner, not here. An owner that runs its image from the stack's own repository
// (imageTag) gives "": Build resolves it with the account. In staging and prod a set
// migrationImage is pinned by digest, as a service's image is.
func resolveMigrationImage(dk, owner string, set *string, spec *Spec, ps *problems) string {
	mk := dk + ".migrationImage"
	if set != nil {
		image := *set
		switch problem := imageProblem(image); {
		case problem != "":
			ps.add(mk, "%s", problem)
		case !pullsThroughEndpoints(image, spec.Region):
			ps.add(mk, "%s is pulled from %s, which the migration task cannot reach: it has no internet egress, only the VPC endpoints, which serve ECR in %s; push the image to an ECR repository in %s",
				image, registryOf(image), spec.Region, spec.Region)
		default:
			if problem := pinProblem(image, spec.Environment, "remove "+mk+" to run the owner's image"); problem != "" {
				ps.add(mk, "%s", problem)
			}
		}
		return image
	}
	svc := spec.Services[owner]
	image := svc.Image
	if svc.InternetEgress && imageProblem(image) == "" && !pullsThroughEndpoints(image, spec.Region) {
		ps.add(mk, "is not set, so the migration task would run its owner's image %s, pulled from %s, which the task cannot reach: it has no internet egress, only the VPC endpoints, which serve ECR in %s; set %s to an image in an ECR repository in %s",
			image, registryOf(image), spec.Region, mk, spec.Region)
	}
	return image
}

// resolveMaxAllocatedStorage is a database's storage autoscaling ceiling (GiB). It must be at
// least 10% above the allocated storage, and at most what RDS gives a gp3 instance: by default
// the ceiling follows the allocated storage, and autoscaling is off (0) where it cannot fit.
func resolveMaxAllocatedStorage(dk string, env Environment, allocated int, set *int, ps *problems) int {
	highest := awslimits.PostgresGP3StorageGiB.Max
	low := awslimits.MinMaxAllocatedStorage(allocated)
	ceiling := max(maxAllocatedStorage.Default(env), low)
	if low > highest {
		ceiling = 0
	}
	if set != nil {
		ceiling = *set
	}
	switch {
	case ceiling == 0: // storage autoscaling off
	case low > highest:
		ps.add(dk+".maxAllocatedStorage", "storage autoscaling needs a ceiling of at least %d GiB (10%% above allocatedStorage), more than RDS allows (%d); set it to 0 to turn autoscaling off", low, highest)
	case ceiling < low || ceiling > highest:
		ps.add(dk+".maxAllocatedStorage", "%d GiB is out of range; storage autoscaling needs at least 10%% above allocatedStorage (%d), so use %d to %d, or 0 to turn it off", ceiling, allocated, low, highest)
	}
	return ceiling
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
		env := spec.Environment
		c := Cache{Name: name, Users: rc.Users,
			Engine:   cacheEngine.resolve(ck, env, given(CacheEngine(rc.Engine)), ps),
			NodeType: cacheNodeType.resolve(ck, env, given(rc.NodeType), ps),
			Port:     cachePort.resolve(ck, env, rc.Port, ps),
		}
		if err := awslimits.CheckCacheNodeType(c.NodeType, spec.Region); err != nil {
			ps.add(ck+".nodeType", "%v", err)
		}
		if len(c.Users) == 0 {
			ps.add(ck+".users", "required; name the services that use this cache")
		}
		spec.Caches[name] = c
	})
}

// majorNumber reads a PostgreSQL major ("16") as a number; 0 when it is not one.
func majorNumber(major string) int {
	n, _ := strconv.Atoi(major)
	return n
}

// standardSupportWarningDays is how long before a PostgreSQL major leaves RDS standard support
// the plan says so.
const standardSupportWarningDays = 183

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
