package platform

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
)

// Problem is one thing wrong with the stack config: the key it is about and how to fix it.
type Problem struct {
	Key     string
	Message string

	// rootCause marks a value that could not be read at all (the wrong type): every problem found
	// later at that key or below it follows from this one, and is not reported.
	rootCause bool
}

func (p Problem) String() string { return p.Key + ": " + p.Message }

// ConfigError is every problem found in a stack's config, one line each. Deploy returns it before
// registering any resource, so a bad config never half-creates a stack.
type ConfigError struct {
	Stack    string
	Problems []Problem
}

func (e *ConfigError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

type problems []Problem

func (ps *problems) add(key, format string, args ...any) {
	for _, p := range *ps {
		if p.rootCause && (key == p.Key || strings.HasPrefix(key, p.Key+".") || strings.HasPrefix(key, p.Key+"[")) {
			return // a knock-on of a value that could not be read: the root cause says it all
		}
	}
	*ps = append(*ps, Problem{Key: key, Message: fmt.Sprintf(format, args...)})
}

// addRootCause adds a problem with a value that cannot be read at all (the wrong type), and
// drops every later problem at that key or below it, since each would only follow from it.
func (ps *problems) addRootCause(key, format string, args ...any) {
	ps.add(key, format, args...)
	if n := len(*ps); n > 0 && (*ps)[n-1].Key == key {
		(*ps)[n-1].rootCause = true
	}
}

func (ps problems) err(stack string) error {
	if len(ps) == 0 {
		return nil
	}
	sorted := append([]Problem(nil), ps...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Key < sorted[j].Key })
	return &ConfigError{Stack: stack, Problems: sorted}
}

// closest returns the candidate nearest to word by edit distance, if it is close enough to be a
// plausible typo.
func closest(word string, candidates []string) string {
	best, bestDist := "", len(word)/2+2
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(word), strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K { return slices.Sorted(maps.Keys(m)) }

func sortedNames[V any](m map[string]V) []string { return sortedKeys(m) }
