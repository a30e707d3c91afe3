package plan

// SchemaVersion is the version of the JSON shape below. It changes only when a field is removed or
// changes meaning; new fields may be added within a version.
const SchemaVersion = 1

// Report is the plan of one stack. Its JSON form (`--format json`) is the stable shape documented in
// docs/plan.md: every list is sorted, so two runs of the same program and config give the same bytes.
type Report struct {
	SchemaVersion   int       `json:"schemaVersion"`
	Stack           string    `json:"stack"`
	Environment     string    `json:"environment"`
	PrimaryRegion   string    `json:"primaryRegion"`
	SecondaryRegion string    `json:"secondaryRegion"`
	Inventory       Inventory `json:"inventory"`
	Diagram         string    `json:"diagram"`
	Cost            Cost      `json:"cost"`
	Failover        Failover  `json:"failover"`
	// Zonal is each region's zonal shift and autoshift, and its capacity with one zone fewer.
	Zonal       []ZonalRegion `json:"zonal"`
	FirstDeploy FirstDeploy   `json:"firstDeploy"`
	Policy      Policy        `json:"policy"`
	// AccessAnalysis is how an open door (a trust or resource policy admitting outsiders) is seen.
	AccessAnalysis AccessAnalysis `json:"accessAnalysis"`
}

// Inventory counts what the program registers. Resources are the custom resources a deployment
// creates (AWS and random); provider and component resources are counted apart.
type Inventory struct {
	Total       int              `json:"total"`
	Components  []ComponentCount `json:"components"`
	Regions     []RegionCount    `json:"regions"`
	Types       []TypeCount      `json:"types"`
	Providers   []string         `json:"providers"`   // provider resources by logical name
	DataSources []InvokeCount    `json:"dataSources"` // invokes answered by the offline model
}

// ComponentCount is one top-level component (or "(program)" for resources outside any component).
type ComponentCount struct {
	Component string      `json:"component"` // logical name, e.g. network-us-east-1
	Type      string      `json:"type"`      // type token, e.g. multi-region-ha:network:Network
	Regions   []string    `json:"regions"`   // provider regions of its resources
	Resources int         `json:"resources"`
	Types     []TypeCount `json:"types"`
}

// RegionCount is how many resources live on one region's provider ("" for random resources).
type RegionCount struct {
	Region    string `json:"region"`
	Resources int    `json:"resources"`
}

// TypeCount is how many resources of one type live in one region.
type TypeCount struct {
	Type   string `json:"type"`
	Region string `json:"region"`
	Count  int    `json:"count"`
}

// InvokeCount is how many times a data source was read, and in which region.
type InvokeCount struct {
	Token  string `json:"token"`
	Region string `json:"region"`
	Count  int    `json:"count"`
}

// Cost is the monthly estimate: one line per priced item, totals per region and overall.
type Cost struct {
	Currency      string       `json:"currency"`
	PriceSource   string       `json:"priceSource"`
	PriceDate     string       `json:"priceDate"`
	HoursPerMonth float64      `json:"hoursPerMonth"`
	Assumptions   []Assumption `json:"assumptions"`
	Items         []CostItem   `json:"items"`
	Regions       []RegionCost `json:"regions"`
	MonthlyTotal  float64      `json:"monthlyTotal"`
	// BudgetUsd is the stack's monthly AWS Budgets limit (observability.monthlyBudgetUsd).
	BudgetUsd float64 `json:"budgetUsd"`
	// FailedOver is the monthly cost while the standby region serves at full capacity.
	FailedOver FailedOverCost `json:"failedOver"`
	Unpriced   []Unpriced     `json:"unpriced"`
	Notes      []string       `json:"notes"`
	// Warnings say where the estimate exceeds the budget; empty when it fits.
	Warnings []string `json:"warnings"`
}

// FailedOverCost is the estimate while failed over: the standby region's Auto Scaling group runs
// the active region's desired capacity and its ALB carries the traffic, while the failed region's
// resources are still billed (a region outage stops no meter).
type FailedOverCost struct {
	ServingRegion   string  `json:"servingRegion"`
	DesiredCapacity int     `json:"desiredCapacity"` // instances per Auto Scaling group
	MonthlyTotal    float64 `json:"monthlyTotal"`
	ExtraMonthly    float64 `json:"extraMonthly"` // MonthlyTotal minus the normal estimate
}

// Assumption is one usage input of the estimate and the flag that sets it.
type Assumption struct {
	Flag    string  `json:"flag"`
	Value   float64 `json:"value"`
	Unit    string  `json:"unit"`
	Meaning string  `json:"meaning"`
}

// CostItem is one priced line: Count resources billed Quantity Units at UnitPrice each per month.
type CostItem struct {
	Region    string  `json:"region"` // provider region, or "global" for CloudFront, Route 53, CLOUDFRONT WAF
	Component string  `json:"component"`
	Item      string  `json:"item"`
	Type      string  `json:"type"`
	Count     int     `json:"count"`
	Quantity  float64 `json:"quantity"`
	Unit      string  `json:"unit"`
	UnitPrice float64 `json:"unitPrice"`
	Monthly   float64 `json:"monthly"` // rounded to cents
	Usage     bool    `json:"usage"`   // true when the quantity comes from an assumption
}

// RegionCost is the monthly total of one region.
type RegionCost struct {
	Region  string  `json:"region"`
	Monthly float64 `json:"monthly"`
}

// Unpriced is a resource type (in a region) the estimate could not price, and why.
type Unpriced struct {
	Type   string `json:"type"`
	Region string `json:"region"`
	Count  int    `json:"count"`
	Reason string `json:"reason"`
}

// Failover is the failover budget: traffic (edge) and database.
type Failover struct {
	Traffic  TrafficFailover  `json:"traffic"`
	Database DatabaseFailover `json:"database"`
	// Writes is when writes work again after a dark home region: detection (the silent-metric
	// case included), promotion, and who starts it.
	Writes WritesFailover `json:"writes"`
}

// ReadsBound is the dark-region worst case of the traffic budget (edgecalc.ReadsBound).
type ReadsBound struct {
	DetectionSeconds  int    `json:"detectionSeconds"` // interval x threshold + the checkers' 4 s connect timeout
	EvaluationSeconds int    `json:"evaluationSeconds"`
	DNSSeconds        int    `json:"dnsSeconds"`
	InFlightSeconds   int    `json:"inFlightSeconds"` // attempts x max(connection, read timeout) on a held connection
	StaticSeconds     int    `json:"staticSeconds"`   // a /static/* miss: one origin-group member's attempts
	TotalSeconds      int    `json:"totalSeconds"`
	BoundedBy         string `json:"boundedBy"`
}

// WritesFailover is when viewers' writes work again after a dark home region (issue 22 case 8).
type WritesFailover struct {
	Available bool   `json:"available"`
	Mode      string `json:"mode"` // database.autoFailover as registered: off, notify or auto
	// DetectionSeconds and DetectionBoundSeconds: until the detector pages (notify) or starts the
	// runbook (auto): typically (N+1) min; at most FreshSeconds + the stall threshold (a lag metric
	// that goes silent instead of climbing) + (N+1) min. 0 with off.
	DetectionSeconds      int `json:"detectionSeconds"`
	DetectionBoundSeconds int `json:"detectionBoundSeconds"`
	PromotionSeconds      int `json:"promotionSeconds"`
	// TypicalSeconds and BoundSeconds from the home region going dark (auto), or from a person
	// starting the runbook (off, notify: AfterPerson).
	TypicalSeconds int  `json:"typicalSeconds"`
	BoundSeconds   int  `json:"boundSeconds"`
	AfterPerson    bool `json:"afterPerson"`
	// Summary is the headline's words, e.g. "2.5 min after a person starts the runbook".
	Summary string `json:"summary"`
}

// TrafficFailover is how long after the home region fails or is demoted viewers reach the region
// that serves, computed from the registered settings (edgecalc.TrafficFailoverBudget).
type TrafficFailover struct {
	Available             bool   `json:"available"`
	Note                  string `json:"note"`
	DetectionSeconds      int    `json:"detectionSeconds"`
	EvaluationSeconds     int    `json:"evaluationSeconds"`
	DNSSeconds            int    `json:"dnsSeconds"`
	ConnectionsSeconds    int    `json:"connectionsSeconds"`    // ALB client keep-alive, concurrent with the DNS TTL
	OriginAttemptsSeconds int    `json:"originAttemptsSeconds"` // CloudFront connection attempts x timeout
	TotalSeconds          int    `json:"totalSeconds"`
	// BoundedBy names the largest term: what to shorten first.
	BoundedBy string `json:"boundedBy"`
	// TypicalSeconds is TotalSeconds; BoundSeconds the dark-region worst case, broken down in Bound.
	TypicalSeconds int        `json:"typicalSeconds"`
	BoundSeconds   int        `json:"boundSeconds"`
	Bound          ReadsBound `json:"bound"`
	// The settings read from the registered resources.
	IntervalSeconds                int `json:"intervalSeconds"`
	FailureThreshold               int `json:"failureThreshold"`
	ClientKeepAliveSeconds         int `json:"clientKeepAliveSeconds"`
	OriginConnectionAttempts       int `json:"originConnectionAttempts"`
	OriginConnectionTimeoutSeconds int `json:"originConnectionTimeoutSeconds"`
	OriginReadTimeoutSeconds       int `json:"originReadTimeoutSeconds"`
}

// DatabaseFailover is the database's recovery point and how it changes regions.
type DatabaseFailover struct {
	Available         bool     `json:"available"`
	Note              string   `json:"note"`
	Engine            string   `json:"engine"`
	WriterRegion      string   `json:"writerRegion"`
	ReplicaRegions    []string `json:"replicaRegions"`
	RPOSeconds        int      `json:"rpoSeconds"` // rds.global_db_rpo when set, 0 when unbounded by config
	RPO               string   `json:"rpo"`
	LagAlarmMs        int      `json:"lagAlarmMs"`   // threshold of the replication lag alarm, 0 when none
	RecoveryTime      string   `json:"recoveryTime"` // how long the database takes to write in the other region
	Switchover        string   `json:"switchover"`
	UnplannedFailover string   `json:"unplannedFailover"`
	Automation        string   `json:"automation"`
	// Recovery budget (automatic-failover issue): database RTO = detection + promotion.
	AutoFailover     string  `json:"autoFailover"` // off, notify or auto, as registered
	Detection        string  `json:"detection"`
	DetectionSeconds int     `json:"detectionSeconds"`
	PromotionSeconds int     `json:"promotionSeconds"`
	RTOSeconds       int     `json:"rtoSeconds"`
	WriteForwarding  bool    `json:"writeForwarding"`
	StandbyWrites    string  `json:"standbyWrites"`   // which case the standby's writes are in before a promotion
	ProbeMonthlyUsd  float64 `json:"probeMonthlyUsd"` // the detectors' monthly price (both regions)
}

// FirstDeploy is the critical path of a first `pulumi up`: the longest chain of dependent resources
// weighted by typical creation time, assuming unbounded parallelism.
type FirstDeploy struct {
	TotalMinutes  float64     `json:"totalMinutes"`
	LowMinutes    float64     `json:"lowMinutes"`    // the range a first deploy typically falls in
	HighMinutes   float64     `json:"highMinutes"`   //
	LeavesOut     []string    `json:"leavesOut"`     // what the estimate does not count
	SerialMinutes float64     `json:"serialMinutes"` // sum of every resource's creation time
	Chain         []ChainStep `json:"chain"`
	Defaulted     []string    `json:"defaulted"` // types without a documented creation time
}

// ChainStep is one resource on the critical path.
type ChainStep struct {
	Type          string  `json:"type"`
	Name          string  `json:"name"`
	Component     string  `json:"component"`
	Region        string  `json:"region"`
	Minutes       float64 `json:"minutes"`
	FinishMinutes float64 `json:"finishMinutes"`
}

// Policy is the guardrails' verdict on every registered resource.
type Policy struct {
	Checked    bool        `json:"checked"`
	Note       string      `json:"note"`
	Rules      int         `json:"rules"`
	Violations []Violation `json:"violations"`
}

// Violation is one broken guardrail.
type Violation struct {
	Rule    string `json:"rule"`
	Type    string `json:"type"`
	Name    string `json:"name"`
	Message string `json:"message"`
}
