package stacks

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDistanceCountsASwapOnce(t *testing.T) {
	assert.Equal(t, 0, Distance("plan", "plan"))
	assert.Equal(t, 1, Distance("plna", "plan"))
	assert.Equal(t, 1, Distance("multi-regon-ha", "multi-region-ha"))
	assert.Equal(t, 1, Distance("primaryRegon", "primaryRegion"))
	assert.Equal(t, 3, Distance("abc", ""))
}

func TestClosest(t *testing.T) {
	commands := []string{"plan", "pin", "verify"}
	assert.Equal(t, "", Closest("nonsense", commands))
	assert.Equal(t, "verify", Closest("verfy", commands))
	assert.Equal(t, "plan", Closest("PLAN", commands))
	assert.Equal(t, "", Closest("x", nil))
}
