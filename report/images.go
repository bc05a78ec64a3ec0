package report

import (
	"fmt"
	"sort"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/policy"
	"github.com/secure-vpc/secure-vpc/query"
)

// ImageRow is the image of one task (a service's, or a database migration's) and where it
// comes from: the stack's repository with its immutability and scanning, or a registry the
// stack does not hold, and the digest it is pinned by.
type ImageRow struct {
	Task       string `json:"task"`
	Image      string `json:"image"`
	Source     string `json:"source"`     // policy.ImageSource: repository, digest, tag or unknown
	Repository string `json:"repository"` // the stack's repository, or the registry host ("-" when unknown)
	Immutable  string `json:"immutable"`  // yes, no, or - outside the stack's repositories
	Scanning   string `json:"scanning"`   // on push, enhanced (continuous), both, none, or -
	Digest     string `json:"digest"`     // the pinned digest, or -
}

// taskLabel names a task definition by what it runs: its service, or its migration.
func taskLabel(td *query.Resource) string {
	tags := query.Tags(td)
	if m := tags[contract.MigrationTag]; m != "" {
		return m
	}
	if s := tags[contract.ServiceTag]; s != "" {
		return s
	}
	return query.Name(td)
}

func imageRows(ix *query.Index) []ImageRow {
	filters := ix.EnhancedScanning()
	var rows []ImageRow
	for _, ti := range ix.TaskImages() {
		row := ImageRow{Task: taskLabel(ti.TaskDefinition), Image: orDash(ti.Image), Source: policy.ImageSource(ti), Repository: "-", Immutable: "-", Scanning: "-", Digest: "-"}
		if ti.Parsed {
			row.Repository = ti.Ref.Registry
			if ti.Ref.Pinned() {
				row.Digest = ti.Ref.Digest
			}
		}
		if repo := ti.Repository; repo != nil {
			row.Repository, row.Immutable, row.Scanning = repo.Name, yesNo(repo.Immutable), scanning(*repo, filters)
		}
		rows = append(rows, row)
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Task < rows[j].Task })
	return rows
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// scanning says how a repository's images are scanned.
func scanning(repo query.Repository, filters []string) string {
	enhanced := query.ScannedByEnhanced(filters, repo.Name)
	switch {
	case enhanced && repo.ScanOnPush:
		return "on push, enhanced (continuous)"
	case enhanced:
		return "enhanced (continuous)"
	case repo.ScanOnPush:
		return "on push"
	}
	return "none"
}

// imageStrength orders image sources from the safest: pinned content, then the stack's own
// immutable and scanned repository, then anything else (a tag the stack does not hold, a mutable
// or unscanned repository, an unknown source). It ranks content, not where it lives: a digest
// outside the stack's repositories ranks 0 too, so compareImages counts leaving the stack's
// repository apart (inRepository).
func imageStrength(r ImageRow) int {
	switch {
	case r.Source == "unknown":
		return 3
	case r.Digest != "-":
		return 0
	case r.Source == "repository" && r.Immutable == "yes" && r.Scanning != "none":
		return 1
	}
	return 2
}

// imageOrigin is where an image comes from, as the diff compares it: the repository or registry,
// and how it is pinned and guarded.
func imageOrigin(r ImageRow) string {
	switch {
	case r.Source == "unknown":
		return "an unknown source"
	case r.Immutable != "-":
		pin := "by tag"
		if r.Digest != "-" {
			pin = "by digest"
		}
		immutable := "immutable"
		if r.Immutable == "no" {
			immutable = "mutable"
		}
		return fmt.Sprintf("the stack's repository %s %s (%s, scanned %s)", r.Repository, pin, immutable, r.Scanning)
	case r.Digest != "-":
		return r.Repository + " by digest"
	}
	return r.Repository + " by tag"
}

// inRepository reports whether an image row is in one of the stack's repositories.
func inRepository(r ImageRow) bool { return r.Immutable != "-" }

// compareImages reports each task whose image source changes, and each new task whose image is
// neither pinned nor from the stack's repository. A weaker source (a tag where a digest was, a
// registry the stack does not hold where its repository was, mutable tags, no scanning, an
// unknown source) widens: the task may run content no one reviewed or scanned. Leaving the
// stack's repository widens even for an image pinned by digest: the image is then outside the
// stack's scanning (on push, enhanced) and its repository policy's denials.
func compareImages(before, after []ImageRow, add func(section, sign, text string, widens bool)) {
	byTask := map[string]ImageRow{}
	for _, r := range before {
		byTask[r.Task] = r
	}
	for _, a := range after {
		b, existed := byTask[a.Task]
		switch {
		case !existed && imageStrength(a) > 1:
			add("images", "+", fmt.Sprintf("task %s runs %s from %s", a.Task, a.Image, imageOrigin(a)), true)
		case existed && imageOrigin(a) != imageOrigin(b):
			leaves := inRepository(b) && !inRepository(a)
			text := fmt.Sprintf("task %s: its image comes from %s instead of %s", a.Task, imageOrigin(a), imageOrigin(b))
			if leaves {
				text += ", outside the stack's scanning and repository policy"
			}
			add("images", "~", text, leaves || imageStrength(a) > imageStrength(b) || imageStrength(a) > 1)
		}
	}
}
