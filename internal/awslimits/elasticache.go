package awslimits

import (
	"fmt"
	"slices"
	"strings"
)

// CacheNodeFamily is an ElastiCache node type family as a Valkey or Redis OSS replication group
// takes it.
type CacheNodeFamily struct {
	// Sizes are the sizes of the family, as AWS writes them ("micro", "2xlarge").
	Sizes []string
	// NotOffered says why a new replication group of this program cannot use the family, read
	// after "<family> is" ("previous generation"), or a phrase starting "needs "; "" when it can.
	NotOffered string
	// Regions, if non-empty, are the only Regions that offer the family.
	Regions []string
}

const (
	cachePreviousGeneration = "previous generation"
	cacheSuggestion         = "cache.t4g.micro, cache.m7g.large or cache.r7g.large"
)

// CacheNodeFamilies are the ElastiCache node type families, keyed as "cache.t4g", from
// "Supported node types", section "Current Generation (Valkey or Redis OSS)",
// https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html, and the
// CacheNodeType description of the API reference (previous generation: "Existing clusters are
// still supported but creation of new clusters is not supported"),
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CacheNode.html. The node
// types page has one table for Valkey and Redis OSS, with minimum Redis OSS versions of 6.2 or
// older, so every current family is taken to run Valkey 7.2 and later.
var CacheNodeFamilies = map[string]CacheNodeFamily{
	// Current generation.
	"cache.m7g":  {Sizes: sizesTo16XL},
	"cache.m6g":  {Sizes: sizesTo16XL},
	"cache.m5":   {Sizes: []string{"large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"}},
	"cache.m4":   {Sizes: []string{"large", "xlarge", "2xlarge", "4xlarge", "10xlarge"}},
	"cache.t4g":  {Sizes: []string{"micro", "small", "medium"}},
	"cache.t3":   {Sizes: []string{"micro", "small", "medium"}},
	"cache.r7g":  {Sizes: sizesTo16XL},
	"cache.r6g":  {Sizes: sizesTo16XL},
	"cache.r5":   {Sizes: []string{"large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"}},
	"cache.r4":   {Sizes: []string{"large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge"}},
	"cache.c7gn": {Sizes: sizesTo16XL},
	// Data tiering: replication groups with DataTiering enabled only.
	"cache.r6gd": {Sizes: sizesTo16XL[1:], NotOffered: "needs data tiering, which this program does not enable"},
	// "You will no longer be able to create new ElastiCache clusters using T2 instances."
	"cache.t2": {Sizes: []string{"micro", "small", "medium"}, NotOffered: "no longer offered for new clusters"},

	// Previous generation.
	"cache.t1": {Sizes: []string{"micro"}, NotOffered: cachePreviousGeneration},
	"cache.m1": {Sizes: []string{"small", "medium", "large", "xlarge"}, NotOffered: cachePreviousGeneration},
	"cache.m2": {Sizes: []string{"xlarge", "2xlarge", "4xlarge"}, NotOffered: cachePreviousGeneration},
	"cache.m3": {Sizes: []string{"medium", "large", "xlarge", "2xlarge"}, NotOffered: cachePreviousGeneration},
	"cache.c1": {Sizes: []string{"xlarge"}, NotOffered: cachePreviousGeneration},
	"cache.r3": {Sizes: []string{"large", "xlarge", "2xlarge", "4xlarge", "8xlarge"}, NotOffered: cachePreviousGeneration},
}

// CacheFamiliesByRegion are, for the Regions that offer only some node type families, the
// families they offer: Asia Pacific (Thailand) and Mexico (Central) offer m7g and r7g (large to
// 16xlarge) and t3 and t4g (micro to medium), per the regional note of
// https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html.
var CacheFamiliesByRegion = map[string][]string{
	"ap-southeast-7": {"cache.m7g", "cache.r7g", "cache.t3", "cache.t4g"},
	"mx-central-1":   {"cache.m7g", "cache.r7g", "cache.t3", "cache.t4g"},
}

// CheckCacheNodeType checks an ElastiCache node type ("cache.t4g.micro") for a new Valkey or
// Redis OSS replication group in a Region: the family must be offered, in that Region, and have
// the size. An empty region skips the Region checks. The error is one clause naming valid
// choices.
func CheckCacheNodeType(nodeType, region string) error {
	rest, isCache := strings.CutPrefix(nodeType, "cache.")
	name, size, _ := strings.Cut(rest, ".")
	family, known := CacheNodeFamilies["cache."+name]
	if !isCache || !known {
		return fmt.Errorf("%s is not an ElastiCache node type; use one such as %s", nodeType, cacheSuggestion)
	}
	name = "cache." + name
	if family.NotOffered != "" {
		verb := "is "
		if strings.HasPrefix(family.NotOffered, "needs ") {
			verb = ""
		}
		return fmt.Errorf("%s %s%s; use a current family such as %s", name, verb, family.NotOffered, currentFamilyLike(name))
	}
	if region != "" {
		if offered, limited := CacheFamiliesByRegion[region]; limited && !slices.Contains(offered, name) {
			return fmt.Errorf("%s is not offered in %s; use one of %s", name, region, strings.Join(offered, ", "))
		}
		if len(family.Regions) > 0 && !slices.Contains(family.Regions, region) {
			return fmt.Errorf("%s is not offered in %s; it is offered in %s", name, region, orList(family.Regions))
		}
	}
	if !slices.Contains(family.Sizes, size) {
		if size == "" {
			return fmt.Errorf("%s needs a size; use one of %s", nodeType, strings.Join(family.Sizes, ", "))
		}
		return fmt.Errorf("%s has no size %s; use one of %s", name, size, strings.Join(family.Sizes, ", "))
	}
	return nil
}
