package platform_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/internal/testkit"
	"github.com/secure-vpc/secure-vpc/platform"
	"github.com/secure-vpc/secure-vpc/policy"
	"github.com/secure-vpc/secure-vpc/report"
)

var scales = []int{10, 50, 100}

// planGenerated runs the program for a generated graph and returns its export.
func planGenerated(tb testing.TB, n int) *stackstate.Export {
	tb.Helper()
	cloud, err := testkit.Run(tb, testkit.GeneratedSource(n))
	require.NoError(tb, err)
	e := cloud.Export()
	return &e
}

// audit is what `securevpc audit` does with an export: every invariant, and the report.
func auditExport(e *stackstate.Export) *report.Report {
	return report.Build("scale", e, policy.Evaluate(e))
}

func TestGeneratedGraphsPassAtEveryScale(t *testing.T) {
	t.Parallel()
	for _, n := range scales {
		t.Run(fmt.Sprintf("services=%d", n), func(t *testing.T) {
			spec, err := platform.Load(testkit.GeneratedSource(n))
			require.NoError(t, err)
			require.Len(t, spec.Services, n)
			e := planGenerated(t, n)
			rep := auditExport(e)
			for _, res := range rep.Results {
				assert.True(t, res.Passed, "%s: %v", res.ID, res.Findings)
			}
			callers := 0
			for _, p := range rep.Paths {
				if p.To == "hub" {
					callers++
				}
			}
			assert.Equal(t, min(testkit.MaxFanIn, n-1), callers, "the hub has the maximum fan-in the graph allows")

			// The markdown report fits a pull-request comment at any graph size, verdict first;
			// what it leaves out, it says so.
			var md, text bytes.Buffer
			require.NoError(t, rep.WriteMarkdown(&md))
			require.NoError(t, rep.WriteText(&text))
			assert.LessOrEqual(t, md.Len(), report.MarkdownLimit)
			assert.Contains(t, strings.Split(md.String(), "\n")[2], "security invariants hold", "the verdict first")
			full := strings.Contains(md.String(), "```mermaid") && !strings.Contains(md.String(), "left out")
			if n == 10 {
				assert.True(t, full, "a small graph keeps its diagram and every row")
			}
			if n == 100 {
				assert.False(t, full, "100 services do not fit with the diagram (67 KB before)")
				assert.True(t, strings.Contains(md.String(), "The diagram is left out"), "it says what it left out")
				assert.Greater(t, text.Len(), report.MarkdownLimit, "the text report keeps everything")
			}
		})
	}
}

// TestScaleIsLinear plans and audits 10 and 100 services and requires the time per service not
// to grow by more than a generous factor (a quadratic step would grow it tenfold).
func TestScaleIsLinear(t *testing.T) {
	t.Parallel() // under load (the other tests, or other packages of go test ./...) both sizes slow alike; best of 3
	if testing.Short() {
		t.Skip("timing test")
	}
	perService := func(n int) time.Duration {
		best := time.Duration(1 << 62)
		for i := 0; i < 3; i++ {
			start := time.Now()
			auditExport(planGenerated(t, n))
			best = min(best, time.Since(start))
		}
		return best / time.Duration(n)
	}
	small, large := perService(10), perService(100)
	t.Logf("per service: %v at 10 services, %v at 100", small, large)
	assert.Less(t, large, 4*small, "time per service grew from %v to %v: something is worse than linear", small, large)
}

func BenchmarkPlan(b *testing.B) {
	for _, n := range scales {
		b.Run(fmt.Sprintf("services=%d", n), func(b *testing.B) {
			var resources int
			for i := 0; i < b.N; i++ {
				e := planGenerated(b, n)
				resources = len(e.Deployment.Resources)
				auditExport(e)
			}
			b.ReportMetric(float64(resources), "resources")
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/float64(n), "ms/service")
		})
	}
}

func BenchmarkAudit(b *testing.B) {
	for _, n := range scales {
		e := planGenerated(b, n)
		b.Run(fmt.Sprintf("services=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				auditExport(e)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(n), "µs/service")
		})
	}
}
