package awslimits

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// PostgresMajor is a major version of RDS for PostgreSQL with its support dates.
type PostgresMajor struct {
	// Major is the version as RDS names the major, e.g. "16" (EngineVersion "16" picks its newest
	// minor; the parameter group family is "postgres16").
	Major string
	// StandardSupportEnds is the last day of RDS standard support, UTC midnight. After it, an
	// instance runs on RDS Extended Support, which AWS bills by vCPU-hour; with
	// EngineLifecycleSupport open-source-rds-extended-support-disabled CreateDBInstance fails.
	StandardSupportEnds time.Time
	// ExtendedSupportEnds is the last day of RDS Extended Support, UTC midnight; after it RDS
	// upgrades the instance to a newer major.
	ExtendedSupportEnds time.Time
}

// PostgresMajors are the RDS for PostgreSQL majors that RDS can still run, in ascending order,
// from "Release calendars for Amazon RDS for PostgreSQL",
// https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html
// (read in the release-notes PDF listing minors up to 18.3/17.9, 27 Feb 2026). 9.6 and 10 are
// deprecated without Extended Support and are left out.
var PostgresMajors = []PostgresMajor{
	{"11", utcDate(2024, 2, 29), utcDate(2027, 3, 31)},
	{"12", utcDate(2025, 2, 28), utcDate(2028, 2, 29)},
	{"13", utcDate(2026, 2, 28), utcDate(2029, 2, 28)},
	{"14", utcDate(2027, 2, 28), utcDate(2030, 2, 28)},
	{"15", utcDate(2028, 2, 29), utcDate(2031, 2, 28)},
	{"16", utcDate(2029, 2, 28), utcDate(2032, 2, 29)},
	{"17", utcDate(2030, 2, 28), utcDate(2033, 2, 28)},
	{"18", utcDate(2031, 2, 28), utcDate(2034, 2, 28)},
}

func utcDate(year int, month time.Month, d int) time.Time {
	return time.Date(year, month, d, 0, 0, 0, 0, time.UTC)
}

// LookupPostgresMajor returns the RDS for PostgreSQL major with a name ("16"), and whether RDS
// still runs it.
func LookupPostgresMajor(major string) (PostgresMajor, bool) {
	i := slices.IndexFunc(PostgresMajors, func(m PostgresMajor) bool { return m.Major == major })
	if i < 0 {
		return PostgresMajor{}, false
	}
	return PostgresMajors[i], true
}

// InStandardSupport reports whether at is on or before the last day of standard support (UTC).
func (m PostgresMajor) InStandardSupport(at time.Time) bool {
	return at.Before(m.StandardSupportEnds.AddDate(0, 0, 1))
}

// InExtendedSupport reports whether at is after standard support ended and on or before the
// last day of Extended Support (UTC).
func (m PostgresMajor) InExtendedSupport(at time.Time) bool {
	return !m.InStandardSupport(at) && at.Before(m.ExtendedSupportEnds.AddDate(0, 0, 1))
}

// StandardSupportMajors returns the majors in standard support at a time, in ascending order.
func StandardSupportMajors(at time.Time) []string {
	var out []string
	for _, m := range PostgresMajors {
		if m.InStandardSupport(at) {
			out = append(out, m.Major)
		}
	}
	return out
}

// DBInstanceFamily is an RDS DB instance class family as RDS for PostgreSQL offers it.
type DBInstanceFamily struct {
	// Sizes are the sizes RDS for PostgreSQL offers, as AWS writes them ("micro", "2xlarge").
	Sizes []string
	// NotOffered says why RDS for PostgreSQL does not offer the family for a new DB instance,
	// read after "<family> is" ("deprecated (previous generation)"); "" when it does.
	NotOffered string
	// Majors, if non-empty, are the only PostgreSQL majors the family supports.
	Majors []string
}

// Size lists as AWS writes them; L = large, nXL = nxlarge.
var (
	burstableSizes = []string{"micro", "small", "medium", "large", "xlarge", "2xlarge"}
	sizesTo16XL    = []string{"large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"}
	sizesTo24XL    = []string{"large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"}
	sizesTo32XL    = []string{"large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "32xlarge"}
	sizesTo48XL    = []string{"large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "48xlarge"}
)

// The majors of a family whose lowest supported PostgreSQL major is 12 or 13. Families that run
// 11 (the oldest major RDS still runs) have no Majors. The families list up to 17 in the source;
// 18, which reached RDS on 14 Nov 2025, is assumed for them too (the page listed 18 only for
// db.m8gd and db.r8gd, and the copy read may predate the other rows being updated).
var (
	pgFrom12 = []string{"12", "13", "14", "15", "16", "17", "18"}
	pgFrom13 = []string{"13", "14", "15", "16", "17", "18"}
)

const (
	dbDeprecated  = "deprecated (previous generation)"
	dbNotForPG    = "not offered for PostgreSQL"
	dbMultiAZOnly = "for Multi-AZ DB clusters only"
	dbSuggestion  = "db.t4g.micro, db.m7g.large or db.r7g.large"
)

// DBInstanceFamilies are the DB instance class families, keyed as "db.t4g", with what RDS for
// PostgreSQL offers of each, from "Supported DB engines for DB instance classes",
// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Support.html
// (a copy listing PostgreSQL 18.1, late 2025). Deprecated families and those RDS for PostgreSQL
// never offered are listed so a message can say why. The Oracle-only sizes (metal, *.tpcN.memNx)
// are left out. Availability also differs by Region
// (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.RegionSupport.html),
// which only describe-orderable-db-instance-options answers.
var DBInstanceFamilies = map[string]DBInstanceFamily{
	// General purpose.
	"db.m8g":   {Sizes: sizesTo48XL, Majors: pgFrom13}, // 13.11+, 14.9+, 15.4+, 16.1+, 17.1+
	"db.m8gd":  {Sizes: sizesTo48XL, Majors: pgFrom13}, // 13.18+ … 18.1+
	"db.m7i":   {Sizes: sizesTo48XL, Majors: pgFrom13}, // 13.11+ …
	"db.m7g":   {Sizes: sizesTo16XL, Majors: pgFrom13}, // 13.4+, 14.5+
	"db.m6g":   {Sizes: sizesTo16XL, Majors: pgFrom12}, // 12.7+
	"db.m6gd":  {Sizes: sizesTo16XL, Majors: pgFrom13},
	"db.m6i":   {Sizes: sizesTo32XL}, // all available versions
	"db.m6id":  {Sizes: sizesTo32XL, Majors: pgFrom13},
	"db.m6idn": {Sizes: sizesTo32XL, Majors: pgFrom13},
	"db.m6in":  {Sizes: sizesTo32XL}, // 11.16+
	"db.m5d":   {Sizes: sizesTo24XL, Majors: pgFrom13},
	"db.m5":    {Sizes: sizesTo24XL},
	"db.m4":    {Sizes: []string{"large", "xlarge", "2xlarge", "4xlarge", "10xlarge", "16xlarge"}, NotOffered: dbDeprecated},
	"db.m3":    {Sizes: []string{"medium", "large", "xlarge", "2xlarge"}, NotOffered: dbDeprecated},

	// Memory optimized.
	"db.r8g":    {Sizes: sizesTo48XL, Majors: pgFrom13},
	"db.r8gd":   {Sizes: sizesTo48XL, Majors: pgFrom13},
	"db.r7i":    {Sizes: sizesTo48XL, Majors: pgFrom13},
	"db.r7g":    {Sizes: sizesTo16XL, Majors: pgFrom13},
	"db.r6g":    {Sizes: sizesTo16XL, Majors: pgFrom12},
	"db.r6gd":   {Sizes: sizesTo16XL, Majors: pgFrom13},
	"db.r6i":    {Sizes: sizesTo32XL}, // 11.13+
	"db.r6id":   {Sizes: sizesTo32XL, Majors: pgFrom13},
	"db.r6idn":  {Sizes: sizesTo32XL[1:], Majors: pgFrom13}, // no large
	"db.r6in":   {Sizes: sizesTo32XL},                       // 11.16+
	"db.r5d":    {Sizes: sizesTo24XL, Majors: pgFrom13},
	"db.r5b":    {Sizes: sizesTo24XL, Majors: pgFrom12},
	"db.r5":     {Sizes: sizesTo24XL},
	"db.r4":     {Sizes: []string{"large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge"}, NotOffered: dbDeprecated},
	"db.r3":     {Sizes: []string{"large", "xlarge", "2xlarge", "4xlarge", "8xlarge"}, NotOffered: dbDeprecated},
	"db.x2g":    {Sizes: sizesTo16XL, Majors: pgFrom12},
	"db.x2idn":  {Sizes: []string{"16xlarge", "24xlarge", "32xlarge"}, Majors: []string{"13", "14", "15"}}, // "PostgreSQL 15 versions, 14.6, and 13.9"
	"db.x2iedn": {Sizes: []string{"xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge", "24xlarge", "32xlarge"}, Majors: pgFrom13},
	"db.x2iezn": {NotOffered: dbNotForPG},
	"db.x1e":    {NotOffered: dbNotForPG},
	"db.x1":     {NotOffered: dbNotForPG},
	"db.z1d":    {NotOffered: dbNotForPG},

	// Compute optimized.
	"db.c6gd": {Sizes: []string{"medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"}, NotOffered: dbMultiAZOnly, Majors: pgFrom13},

	// Burstable.
	"db.t4g": {Sizes: burstableSizes, Majors: pgFrom12},
	"db.t3":  {Sizes: burstableSizes},
	"db.t2":  {Sizes: burstableSizes, NotOffered: dbDeprecated},
}

// CheckDBInstanceClass checks an RDS DB instance class ("db.t4g.micro") for a new RDS for
// PostgreSQL DB instance running a major ("16"): the family must be offered, have the size and
// support the major. An empty major skips the major check; whether RDS runs the major at all is
// LookupPostgresMajor's question. The error is one clause naming valid choices.
func CheckDBInstanceClass(class, major string) error {
	rest, isDB := strings.CutPrefix(class, "db.")
	name, size, _ := strings.Cut(rest, ".")
	family, known := DBInstanceFamilies["db."+name]
	if !isDB || !known {
		return fmt.Errorf("%s is not an RDS for PostgreSQL instance class; use one such as %s", class, dbSuggestion)
	}
	name = "db." + name
	if family.NotOffered != "" {
		return fmt.Errorf("%s is %s; use a current family such as %s", name, family.NotOffered, currentFamilyLike(name))
	}
	if !slices.Contains(family.Sizes, size) {
		if size == "" {
			return fmt.Errorf("%s needs a size; use one of %s", class, strings.Join(family.Sizes, ", "))
		}
		return fmt.Errorf("%s has no size %s; use one of %s", name, size, strings.Join(family.Sizes, ", "))
	}
	if major != "" && len(family.Majors) > 0 && !slices.Contains(family.Majors, major) {
		return fmt.Errorf("%s does not run PostgreSQL %s; use it with PostgreSQL %s, or another family", name, major, orList(family.Majors))
	}
	return nil
}

// currentFamilyLike suggests a current family of the same kind as a family ("db.r4" or
// "cache.r3"): burstable, general purpose or memory optimized.
func currentFamilyLike(family string) string {
	prefix, name, _ := strings.Cut(family, ".")
	switch {
	case strings.HasPrefix(name, "t"):
		return prefix + ".t4g"
	case strings.HasPrefix(name, "r"), strings.HasPrefix(name, "x"), strings.HasPrefix(name, "z"):
		return prefix + ".r7g"
	}
	return prefix + ".m7g"
}

// orList renders ["a", "b", "c"] as "a, b or c".
func orList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// PostgresReservedKeywords are the PostgreSQL keywords that cannot name a database or a role
// unquoted (CREATE DATABASE and CREATE ROLE take a ColId, which admits unreserved and column-name
// keywords only): the RESERVED_KEYWORD and TYPE_FUNC_NAME_KEYWORD entries of postgres/postgres
// src/include/parser/kwlist.h, as vendored for PostgreSQL 17.7 in pganalyze/pg_query_go
// parser/include/postgres/parser/kwlist.h (41be2fe356797a0034247dc46a72a7aa3e7bbe92); 16.1 has the
// same lists. RDS's DBName "can't be a word reserved by the specified database engine"
// (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html).
var PostgresReservedKeywords = setOf(
	// RESERVED_KEYWORD
	"all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both",
	"case", "cast", "check", "collate", "column", "constraint", "create", "current_catalog",
	"current_date", "current_role", "current_time", "current_timestamp", "current_user",
	"default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false", "fetch",
	"for", "foreign", "from", "grant", "group", "having", "in", "initially", "intersect", "into",
	"lateral", "leading", "limit", "localtime", "localtimestamp", "not", "null", "offset", "on",
	"only", "or", "order", "placing", "primary", "references", "returning", "select",
	"session_user", "some", "symmetric", "system_user", "table", "then", "to", "trailing",
	"true", "union", "unique", "user", "using", "variadic", "when", "where", "window", "with",
	// TYPE_FUNC_NAME_KEYWORD
	"authorization", "binary", "collation", "concurrently", "cross", "current_schema", "freeze",
	"full", "ilike", "inner", "is", "isnull", "join", "left", "like", "natural", "notnull",
	"outer", "overlaps", "right", "similar", "tablesample", "verbose",
)

func setOf(items ...string) map[string]bool {
	m := make(map[string]bool, len(items))
	for _, s := range items {
		m[s] = true
	}
	return m
}

// ExistingDatabases are the databases every RDS for PostgreSQL instance already has: postgres
// (created with every instance, per DBName in API_CreateDBInstance.html), the PostgreSQL
// templates, and rdsadmin, RDS's own. No AWS page lists them as rejected DBNames; CREATE
// DATABASE of an existing name fails.
var ExistingDatabases = []string{"postgres", "template0", "template1", "rdsadmin"}

// pgNameMaxLen is PostgreSQL's NAMEDATALEN-1, the longest identifier in bytes.
const pgNameMaxLen = 63

// checkPGName checks the shape RDS takes for a PostgreSQL DBName: 1-63 characters, a letter
// first, then letters, digits and underscores (API_CreateDBInstance.html, DBName). It asks for
// lowercase: PostgreSQL folds an unquoted name to lowercase, so a mixed-case name is a
// different name quoted and unquoted. what names the kind of name in messages.
func checkPGName(what, name string) error {
	switch {
	case name == "":
		return fmt.Errorf("a PostgreSQL %s name must not be empty", what)
	case len(name) > pgNameMaxLen:
		return fmt.Errorf("%s is %d characters; a PostgreSQL %s name has at most %d", name, len(name), what, pgNameMaxLen)
	case name[0] < 'a' || name[0] > 'z':
		return fmt.Errorf("%s must start with a lowercase letter", name)
	case strings.IndexFunc(name, func(r rune) bool { return (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' }) >= 0:
		return fmt.Errorf("%s may hold only lowercase letters, digits and underscores", name)
	case PostgresReservedKeywords[name]:
		return fmt.Errorf("%s is a PostgreSQL reserved word", name)
	}
	return nil
}

// CheckDatabaseName checks the name of a database RDS for PostgreSQL creates (DBName): the
// shape (1-63 lowercase letters, digits and underscores, a letter first), not a reserved word,
// and not a database the instance already has.
func CheckDatabaseName(name string) error {
	if err := checkPGName("database", name); err != nil {
		return err
	}
	if slices.Contains(ExistingDatabases, name) {
		return fmt.Errorf("%s is a database every RDS for PostgreSQL instance already has", name)
	}
	return nil
}

// CheckRoleName checks the name of a database role an application creates: the same shape as a
// database name, not a reserved word, and none of the names PostgreSQL or RDS reserve:
//   - "public" and "none", and names starting with "pg_" (postgres/postgres
//     src/backend/commands/user.c CreateRole and src/backend/parser/gram.y RoleSpec: "role name
//     \"%s\" is reserved", "Role names starting with \"pg_\" are reserved.");
//   - "rdsadmin" and names starting with "rds_" or "rdstopmgr", RDS's own roles such as
//     rds_superuser, rds_iam, rds_replication and rds_password
//     (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.PostgreSQL.CommonDBATasks.Roles.html).
func CheckRoleName(name string) error {
	if err := checkPGName("role", name); err != nil {
		return err
	}
	switch {
	case name == "public" || name == "none":
		return fmt.Errorf("%s is a role name PostgreSQL reserves", name)
	case strings.HasPrefix(name, "pg_"):
		return fmt.Errorf("%s starts with pg_, which PostgreSQL reserves for its own roles", name)
	case name == "rdsadmin" || strings.HasPrefix(name, "rdstopmgr"):
		return fmt.Errorf("%s is a role RDS creates for itself", name)
	case strings.HasPrefix(name, "rds_"):
		return fmt.Errorf("%s starts with rds_, which RDS uses for its own roles", name)
	}
	return nil
}

// MinMaxAllocatedStorage returns the smallest MaxAllocatedStorage (GiB) RDS accepts with storage
// autoscaling for an AllocatedStorage (GiB): the maximum storage threshold "must be at least 10%
// greater than the current allocated storage", i.e. ceil(allocated * 1.1), so 1000 GiB needs at
// least 1100 (AWS recommends 26% above, to avoid RDS-EVENT-0225); a lower value fails with
// InvalidParameterCombination. MaxAllocatedStorage 0 or unset disables autoscaling instead.
// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html
// The arithmetic is integral: in floating point, 20 * 1.1 rounds up to 23.
func MinMaxAllocatedStorage(allocated int) int {
	return (allocated*11 + 9) / 10
}
