package platform

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A stack that keeps its stores locks its data buckets' versions (BUCKET-04 judges the plan);
// one that does not keep them has no Object Lock, which S3 never turns off again.
func TestObjectLockFollowsProtect(t *testing.T) {
	for _, env := range []Environment{Dev, Staging, Prod} {
		assert.Equal(t, protect.Default(env), bucketObjectLockDays.Default(env) > 0, env)
	}
}
