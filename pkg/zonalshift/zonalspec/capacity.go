package zonalspec

import "fmt"

// LeftAfterShift is how many of a region's minimum instances still serve when the load balancer's
// traffic is shifted away from one zone. Auto Scaling spreads the group evenly over azCount zones,
// so the worst zone to lose (the one AWS may pick) holds ceil(minimum/azCount) of them; a zonal
// shift moves no instance (they stay, the load balancer stops routing to them), so nothing replaces
// them while the shift lasts.
func LeftAfterShift(minimum, azCount int) int {
	if azCount < 1 || minimum < 1 {
		return 0
	}
	busiest := (minimum + azCount - 1) / azCount
	return minimum - busiest
}

// MinimumForAutoshift is the smallest minimum whose instances keep serving with one zone fewer.
func MinimumForAutoshift(azCount int) int {
	for m := 1; ; m++ {
		if LeftAfterShift(m, azCount) >= 1 || azCount < 2 {
			return m
		}
	}
}

// CheckCapacity is the capacity rule of zonal autoshift for one region: with autoshift on, AWS (or a
// weekly practice run) takes a zone's share of requests away, and what is left must still serve the
// region's minimum load, at least one instance, from azCount-1 zones.
func CheckCapacity(minimum, azCount int) error {
	if azCount < 2 {
		return fmt.Errorf("%d zone: a shift would leave no zone", azCount)
	}
	if left := LeftAfterShift(minimum, azCount); left < 1 {
		return fmt.Errorf("a minimum of %d over %d zones leaves %d instances serving after a zonal shift; allowed: at least %d",
			minimum, azCount, left, MinimumForAutoshift(azCount))
	}
	return nil
}
