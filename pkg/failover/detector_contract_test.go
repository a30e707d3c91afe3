package failover

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/multi-region-ha/multi-region-ha/pkg/detector"
)

// The detector's 24 h cap reads how a run ended from DescribeExecution: the "promoted" field of a
// succeeded run's output and the error of a failed one. Its inline Python must name what the
// runbook writes, or a failed run that promoted would not use the budget.
func TestDetectorReadsWhatTheRunbookRecords(t *testing.T) {
	assert.Contains(t, detector.Source, `"`+PromotedField+`" in json.loads(`)
	assert.Contains(t, detector.Source, `detail.get("error") == "`+ErrorFailedAfterPromotion+`"`)
	assert.Equal(t, "FailoverFailedAfterPromotion", ErrorFailedAfterPromotion)
}
