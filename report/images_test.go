package report_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/fixtures"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/policy"
	"github.com/secure-vpc/secure-vpc/report"
)

// withImage rewrites the image of a task definition's first container.
func withImage(t *testing.T, e *stackstate.Export, task, image string) {
	t.Helper()
	edit(t, e, contract.TypeTaskDefinition, task, func(r *stackstate.Resource) { fixtures.SetImage(t, r, image) })
}

// The Images section lists every task with its repository, immutability, scanning and digest, in
// every format.
func TestReportImages(t *testing.T) {
	e := fixtures.Plan(t, "dev")
	const digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	withImage(t, e, "orders", "ghcr.io/example/orders@"+digest)
	rep := report.Build("dev", e, policy.Evaluate(e))
	byTask := map[string]report.ImageRow{}
	for _, r := range rep.Images {
		byTask[r.Task] = r
	}
	assert.Equal(t, report.ImageRow{Task: "users", Image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/secure-vpc-dev/users:2.0.1", Source: "repository",
		Repository: "secure-vpc-dev/users", Immutable: "yes", Scanning: "on push", Digest: "-"}, byTask["users"])
	assert.Equal(t, "secure-vpc-dev/users", byTask["users-db-migration"].Repository, "the migration runs its owner's image")
	assert.Equal(t, report.ImageRow{Task: "orders", Image: "ghcr.io/example/orders@" + digest, Source: "digest", Repository: "ghcr.io", Immutable: "-", Scanning: "-", Digest: digest}, byTask["orders"])
	assert.Len(t, rep.Images, 5, "four services and one migration")

	for format, want := range map[string]string{
		report.FormatText:     "Images: where each task's image comes from",
		report.FormatMarkdown: "### Images",
		report.FormatJSON:     `"images": [`,
	} {
		var b bytes.Buffer
		require.NoError(t, rep.Write(&b, format))
		assert.Contains(t, b.String(), want, format)
		assert.Contains(t, b.String(), "secure-vpc-dev/web-bff", format)
	}
}

// An image that leaves the stack's repository, or loses its digest, widens; one that moves into
// the stack's repository or gains a digest does not.
func TestDiffOfImageSources(t *testing.T) {
	const digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	own := "123456789012.dkr.ecr.eu-west-1.amazonaws.com/secure-vpc-dev/orders"
	cases := []struct {
		name, before, after string
		widens              bool
		want                string
	}{
		{"repository to a public registry", own + ":3.2.0", "docker.io/library/nginx:1.27", true, "from docker.io by tag instead of the stack's repository secure-vpc-dev/orders by tag"},
		{"digest to tag in the repository", own + "@" + digest, own + ":3.2.0", true, "by tag (immutable, scanned on push) instead of the stack's repository secure-vpc-dev/orders by digest"},
		{"public tag to a digest", "docker.io/library/nginx:1.27", "docker.io/library/nginx@" + digest, false, "from docker.io by digest instead of docker.io by tag"},
		{"public digest to the repository", "docker.io/library/nginx@" + digest, own + ":3.2.0", true, "instead of docker.io by digest"},
		{"repository to another registry by digest", own + ":3.2.0", "ghcr.io/example/orders@" + digest, true, "from ghcr.io by digest instead of the stack's repository secure-vpc-dev/orders by tag (immutable, scanned on push), outside the stack's scanning and repository policy"},
		{"repository by digest to another registry by digest", own + "@" + digest, "ghcr.io/example/orders@" + digest, true, "outside the stack's scanning and repository policy"},
		{"another registry by digest into the repository by digest", "ghcr.io/example/orders@" + digest, own + "@" + digest, false, "from the stack's repository secure-vpc-dev/orders by digest"},
		{"a new version in the same repository", own + ":3.2.0", own + ":3.3.0", false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before, after := fixtures.Plan(t, "dev"), fixtures.Plan(t, "dev")
			withImage(t, before, "orders", tc.before)
			withImage(t, after, "orders", tc.after)
			d := report.Compare("before", before, "after", after)
			var texts []string
			for _, c := range d.Changes {
				if c.Section == "images" {
					texts = append(texts, c.Text)
				}
			}
			if tc.want == "" {
				assert.Empty(t, texts)
				assert.False(t, d.Widens())
				return
			}
			require.Len(t, texts, 1)
			assert.Contains(t, texts[0], tc.want)
			assert.Contains(t, strings.Join(texts, ""), "task orders")
			assert.Equal(t, tc.widens, d.Widens())
		})
	}
}
