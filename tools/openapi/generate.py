#!/usr/bin/env python3
"""Writes Sources/Gateway/openapi.json, the gateway's OpenAPI 3.1 document (committed; served at /openapi.json).

Edit the routes here, run `python3 tools/openapi/generate.py > Sources/Gateway/openapi.json`, and commit both.
GatewayTests check that every route the server has is in the document and the schemathesis test checks the server
against it."""
import json
S=lambda **k: k
def ref(n): return {"$ref": f"#/components/schemas/{n}"}
def arr(x): return {"type":"array","items":x}
def obj(props, required=()):
    return {"type":"object","properties":props,"required":list(required)}
st={"type":"string"}; num={"type":"number"}; integer={"type":"integer"}; boolean={"type":"boolean"}
time={"type":"string","format":"date-time"}
# A yes/no query parameter as the gateway reads it (`Request.flag`).
flag={"type":"string","enum":["true","false","1","0","yes","no"]}
kinds=["offline","stalled","stream_degraded","long_gop","frame_rate_shortfall","clock_offset","too_dark","too_bright","low_contrast","occlusion","frozen","blur","colour_cast","ir_cut","camera_moved","sensor_alarm","device_alarm"]
levels=["district","street","community","grid"]
def optional_inputs(schema):
    """An input object whose optional properties may also be null, which the gateway takes as absent (no change):
    said here so that schemathesis' negative checks test what the gateway really refuses."""
    required = set(schema.get("required", []))
    for name, prop in schema["properties"].items():
        if name not in required:
            schema["properties"][name] = {"anyOf": [prop, {"type": "null"}]}
    return schema
mode={"type":"string","enum":["record","patrol","off"],"description":"record: recorded continuously; patrol: inspected in rotation, not recorded; off: registered only."}
schemas={
 "Error": obj({"error": obj({"message": st},["message"])},["error"]),
 "GridSummary": obj({"id":st,"name":st,"level":st},["id","name","level"]),
 "KeyLocationLink": obj({"locationID":st,"name":st,"category":st,"distance":num},["locationID","name","category","distance"]),
 "GB28181Code": obj({"centre":st,"region":st,"provinceName":st,"industry":st,"typeCode":st,"typeName":st,"serial":st}),
 "Camera": obj({"id":st,"name":st,"mainUrl":{"type":"string","description":"Stream URL with any password replaced by ***."},"subUrl":st,"longitude":num,"latitude":num,
   "convertedFromGcj02":boolean,"vendor":st,"model":st,"mode":mode,"tags":arr(st),"purpose":st,"retentionDays":integer,
   "rtspTransport":{"type":"string","enum":["tcp","udp","udp_multicast","http"],"description":"Pinned RTSP transport; absent: TCP, then UDP if the camera refuses TCP."},
   "gb28181":ref("GB28181Code"),"gridPath":arr(ref("GridSummary")),"keyLocations":arr(ref("KeyLocationLink"))},
   ["id","name","mainUrl","convertedFromGcj02","vendor","model","mode","tags","purpose","retentionDays","gridPath","keyLocations"]),
 "CameraInput": optional_inputs({"type":"object","additionalProperties":False,"properties":{"id":{"type":"string","pattern":"^[0-9]{20}$","description":"GB/T 28181 ID (20 digits); required on POST."},"name":{"type":"string","minLength":1},
   "mainUrl":{"type":"string","pattern":"^(rtsp|rtsps|rtmp|rtmps|http|https|srt|udp)://[^/?#]+","description":"rtsp, rtmp(s), http(s), udp or srt URL; required on POST. Local files, file: and concat: are refused."},"subUrl":{"type":"string","description":"Empty removes it."},
   "longitude":{"type":"number","minimum":-180,"maximum":180},"latitude":{"type":"number","minimum":-90,"maximum":90},"gcj02":boolean,"vendor":st,"model":st,"mode":mode,"tags":arr(st),"purpose":st,"retentionDays":{"type":"integer","minimum":1,"maximum":3650},
   "rtspTransport":{"type":"string","enum":["auto","tcp","udp","udp_multicast","http"],"description":"auto: TCP, then UDP if the camera refuses TCP (461)."}}}),
 "Sensor": obj({"id":st,"name":st,"kind":st,"longitude":num,"latitude":num,"cameraId":st,"gridPath":arr(ref("GridSummary")),"keyLocations":arr(ref("KeyLocationLink"))},["id","name","kind","gridPath","keyLocations"]),
 "GBRegistration": obj({"address":{"type":"string","description":"Where its requests came from: udp:HOST:PORT or tcp:HOST:PORT."},"registeredAt":time,"expiresAt":time,"lastKeepalive":time,"online":{"type":"boolean"},"version":{"type":"string","description":"X-GB-Ver (3.0: the 2022 text); absent for 2016 devices."},"userAgent":st},["address","registeredAt","expiresAt","online"]),
 "WallGrant": obj({"tiles":{"type":"array","items":obj({"camera":st,"name":st,"grid":{"type":["string","null"]},"thumbnail":{"type":"string","description":"/play/CAPABILITY/thumbnail.jpg: the camera's latest thumbnail, without a token, until expiresAt."}},["camera","name","thumbnail"])},"expiresAt":time},["tiles","expiresAt"]),
 "PlaybackGrant": obj({"playlist":{"type":"string","description":"/play/CAPABILITY/index.m3u8 (recorded) or /play/CAPABILITY/live.m3u8: an HLS playlist URL that works without a token until expiresAt, for this camera and range only."},"camera":st,"from":time,"to":time,"expiresAt":time,"live":boolean},["playlist","camera","from","to","expiresAt","live"]),
 "GBDeviceInfo": obj({"name":{"type":"string","description":"DeviceName: the device's own name."},"manufacturer":st,"model":st,"firmware":st,"channels":{"type":"integer","description":"Channel: how many channels the device says it has."},"receivedAt":time},["receivedAt"]),
 "GBDevice": obj({"id":st,"name":st,"mediaTransport":{"type":"string","enum":["tcp","udp"]},"registration":ref("GBRegistration"),"info":ref("GBDeviceInfo"),"clock":ref("GBDeviceClock")},["id","name","mediaTransport"]),
 "GBDeviceClock": obj({"offset":{"type":"number","description":"Seconds the device's clock is ahead of the gateway's (negative: behind), from the DeviceTime of its DeviceStatus answer (whole seconds, read as the middle of the second)."},"measuredAt":time},["offset","measuredAt"]),
 "GBDeviceInput": optional_inputs({"type":"object","additionalProperties":False,"properties":{"name":{"type":"string","maxLength":200},"mediaTransport":{"type":"string","enum":["tcp","udp"]},"password":{"type":"string","minLength":8,"maxLength":128,"pattern":"^[^\\r\\n]*$","description":"Required on every PUT; never shown back."}},"required":["password"]}),
 "SensorInput": optional_inputs({"type":"object","properties":{"name":st,"kind":{"type":"string","enum":["smoke","gas","water_level","door","alarm_button","other"]},"longitude":num,"latitude":num,"cameraId":st},"required":["name","kind"]}),
 "Grid": obj({"id":st,"name":st,"level":st,"parent":st,"polygons":integer,"bounds":arr(num)},["id","name","level","polygons","bounds"]),
 "KeyLocation": obj({"id":st,"name":st,"category":st,"radiusM":num,"distanceM":num},["id","name","category","radiusM"]),
 "ImportCounts": obj({"added":integer,"updated":integer},["added","updated"]),
 "ImportSummary": obj({"dryRun":boolean,"grids":ref("ImportCounts"),"keyLocations":ref("ImportCounts"),"cameras":ref("ImportCounts"),"sensors":ref("ImportCounts"),"camerasOutsideGrids":integer},["dryRun"]),
 "FeatureCollection": obj({"type":{"const":"FeatureCollection"},"features":arr({"type":"object"})},["type","features"]),
 "StreamFacts": obj({"codec":st,"width":integer,"height":integer,"frameRate":{"type":"number","description":"Frames per second delivered between the first and last keyframe."},"declaredFrameRate":{"type":"number","description":"Frames per second the stream's headers declare (H.264 SPS / HEVC VUI timing); absent when they declare none."},"gop":{"type":"number","description":"Seconds between keyframes; a lower bound when gopAtLeast."},"gopAtLeast":boolean,"bitrate":{"type":"number","description":"Bits per second."},"clockOffset":{"type":"number","description":"Seconds the camera's clock is ahead of the gateway's (negative: behind): the median over the keyframes of the camera's time less the gateway's time of arrival. RTSP: from its RTCP sender reports (so it includes the encoding and network delay); GB/T 28181: from its device's DeviceStatus time. Absent when neither came while the stream was read."},"packetsLost":{"type":"integer","description":"RTP packets that never came while the stream was read (RTSP over TCP or UDP, GB/T 28181); absent for streams not carried over RTP."}},["codec","width","height","gopAtLeast"]),
 "PatrolVisitBrief": obj({"camera":st,"startedAt":time,"outcome":{"type":"string","enum":["ok","unreachable","noKeyframe"]},"reason":{"type":"string","description":"Why it was not ok: refused, timeout, unauthorised, notFound, noData, …"}},["camera","startedAt","outcome"]),
 "PatrolVisit": obj({"camera":st,"startedAt":time,"duration":num,"outcome":{"type":"string","enum":["ok","unreachable","noKeyframe"]},"reason":{"type":"string","description":"Why it was not ok: refused, timeout, unauthorised, notFound, noData, …"},"keyframes":arr(ref("FrameStats")),"stream":ref("StreamFacts")},["camera","startedAt","duration","outcome","keyframes"]),
 "PatrolProgress": obj({"round":integer,"roundStartedAt":time,"visited":integer,"cameras":integer,"running":integer,"at":time},["round","roundStartedAt","visited","cameras","running","at"]),
 "PatrolRound": obj({"startedAt":time,"endedAt":time,"cameras":integer,"visits":integer,"ok":integer,"unreachable":integer,"noKeyframe":integer},["startedAt","endedAt","cameras","visits","ok","unreachable","noKeyframe"]),
 "PatrolRunAnswer": obj({"request":obj({"id":integer,"grid":st,"requestedAt":time,"requestedBy":st},["id","requestedAt","requestedBy"]),"cameras":{"type":"integer","description":"Patrol cameras the request covers."}},["request","cameras"]),
 "PatrolReport": obj({"progress":ref("PatrolProgress"),"outcomes":{"type":"object","additionalProperties":{"type":"integer"},"description":"Latest visits by outcome."},"neverVisited":integer,"total":{"type":"integer","description":"Cameras in patrol mode; 'cameras' lists the first 'limit' of them."},"cameras":arr(obj({"camera":st,"name":st,"grid":st,"lastVisit":ref("PatrolVisit")},["camera","name"]))},["outcomes","neverVisited","total","cameras"]),
 "FrameStats": obj({"width":integer,"height":integer,"meanLuma":num,"lumaStdDev":num,"darkFraction":num,"brightFraction":num,"sharpness":num,"edgeDensity":num,"perceptualHash":integer,"meanU":num,"meanV":num,"saturation":{"type":"number","description":"Mean chroma distance from neutral (signalstats' SATAVG); absent where not measured."},"thumbnail":arr(num)}),
 "AnalysisCounts": obj({"offered":integer,"analysed":integer,"skipped":integer,"failed":integer}),
 "CameraStatus": obj({"camera":st,"state":{"type":"string","enum":["connecting","streaming","stalled","offline","stopped","disabled"]},"reason":st,"detail":st,"since":time,
   "bitrate":num,"frameRate":num,"declaredFrameRate":num,"clockOffset":{"type":"number","description":"Seconds the camera's clock is ahead of the gateway's (negative: behind), from its RTCP sender reports (GB/T 28181: its device's DeviceStatus time): the median over the connection's first 9 keyframes, held while it streams; absent until known."},"gop":num,"lastKeyframe":time,"keyframes":integer,"reconnects":integer,"discontinuities":integer,"analysis":ref("AnalysisCounts"),
   "lastStats":ref("FrameStats"),"lastAnalysedKeyframe":time,
   "analysisAge":{"type":"number","description":"Seconds from the newest analysed keyframe (before the first, from when the camera began streaming) to when the status was made; while streaming with analysis on."},"segment":st,
   "transport":{"type":"string","description":"How the video is carried where the scheme allows more than one way: tcp or udp for RTSP and GB/T 28181 channels."},
   "packetsLost":{"type":"integer","description":"RTP packets that never came, since the service started (RTSP over TCP or UDP, GB/T 28181 channels)."},
   "framesDropped":{"type":"integer","description":"Whole frames dropped for a lost packet or until the next keyframe (GB/T 28181 channels)."}},["camera","state","since","keyframes"]),
 "ServiceStatus": obj({"processID":integer,"startedAt":time,"updatedAt":time,"cameras":integer,"streaming":integer,"storageAlarm":st,"recordedBytes":integer,"removedBytes":integer,"stopped":boolean,"analysis":ref("AnalysisBudgetStatus")}),
 "AnalysisBudgetStatus": obj({"interval":{"type":"number","description":"Seconds within which every streaming camera should have an analysed keyframe (--analysis-interval)."},"largestAge":{"type":"number","description":"The largest analysis age over the streaming cameras."},"behind":{"type":"integer","description":"Streaming cameras older than the interval although a newer keyframe was recorded."}},["interval","largestAge","behind"]),
 "ServiceReport": obj({"service":{"type":"string","enum":["running","stopped","not running","never started"]},"details":ref("ServiceStatus"),"cameras":arr(ref("CameraStatus")),"notRunning":{"type":"array","items":st,"description":"Cameras in record mode that the service is not running."},"patrolled":{"type":"array","items":st,"description":"Cameras in patrol mode."},"off":{"type":"array","items":st,"description":"Cameras in off mode."}},["service","cameras","notRunning","patrolled","off"]),
 "HealthRecord": obj({"camera":st,"at":time,"state":st,"reason":st,"detail":st},["camera","at","state"]),
 "CoverageSpan": obj({"kind":{"type":"string","enum":["recorded","gap"]},"from":time,"to":time,"reason":st,"keyframes":integer},["kind","from","to"]),
 "StatsPoint": obj({"at":time,"brightness":num,"contrast":num,"sharpness":num,"keyframes":{"type":"integer","minimum":1,"description":"Analysed keyframes averaged into this point."}},["at","brightness","contrast","sharpness","keyframes"]),
 "KeyframePage": obj({"keyframes":arr(ref("Keyframe")),"next":{"type":"string","description":"Pass as 'after' for the next page; absent on the last."}},["keyframes"]),
 "Keyframe": obj({"camera":st,"wallClock":time,"seconds":num,"segment":st,"byteOffset":integer,"size":integer,"stats":ref("FrameStats")},["camera","wallClock","seconds","segment","byteOffset","size"]),
 "EventLocation": obj({"longitude":num,"latitude":num,"grids":arr(ref("GridSummary")),"keyLocations":arr(ref("KeyLocationLink"))},["grids","keyLocations"]),
 "Event": obj({"id":st,"device":st,"kind":{"type":"string","enum":kinds},"state":{"type":"string","enum":["open","cleared"]},"since":time,"raisedAt":time,"updatedAt":time,"clearedAt":time,
   "evidence":{"type":"object","additionalProperties":num},"reason":st,"location":ref("EventLocation"),"acknowledgedBy":st,"acknowledgedAt":time,"review":ref("EventReview")},
   ["id","device","kind","state","since","raisedAt","updatedAt","evidence","location"]),
 "EventPage": obj({"events":arr(ref("Event")),"next":{"type":"string","description":"Pass as 'before' for the next, older page; absent on the last page."}},["events"]),
 "SensorAlarmInput": optional_inputs({"type":"object","properties":{"alarm":{"type":"string","minLength":1,"maxLength":100},"active":{"type":"boolean","description":"false clears the alarm."},"at":time,"value":num},"required":["alarm"]}),
 "EventReview": obj({"verdict":{"type":"string","enum":["confirmed","false"]},"by":st,"at":time,"note":st},["verdict","by","at"]),
 "EventReviewInput": optional_inputs({"type":"object","additionalProperties":False,"properties":{"verdict":{"type":"string","enum":["confirmed","false"]},"note":{"type":"string","maxLength":500,"pattern":"^[^\\u0000-\\u0009\\u000B-\\u001F\\u007F-\\u009F]*$","description":"What the operator saw; line breaks allowed, no other control characters."}},"required":["verdict"]}),
 "ReviewTally": obj({"device":st,"kind":{"type":"string","enum":kinds},"events":integer,"confirmed":integer,"falseAlarms":integer,"unreviewed":integer,"suggestion":{"type":"string","description":"The per-camera setting to change, once at least 3 reviewed alarms were false and more were false than confirmed."}},["device","kind","events","confirmed","falseAlarms","unreviewed"]),
 "FaultTally": obj({"count":integer,"seconds":num},["count","seconds"]),
 "AvailabilityRow": obj({"scope":st,"id":st,"name":st,"from":time,"to":time,"cameras":integer,"monitoredSeconds":num,"onlineSeconds":num,"faultFreeSeconds":num,
   "faultFreeConfirmedSeconds":{"type":"number","description":"Monitored time outside the events an operator confirmed."},
   "faults":{"type":"object","additionalProperties":ref("FaultTally")},"falseAlarms":{"type":"integer","description":"Events of the period reviewed as false alarms: not in faults, not against the fault-free time."}},["scope","id","name","from","to","cameras","monitoredSeconds","onlineSeconds","faultFreeSeconds","faults","falseAlarms"]),
 "FaultFigures": obj({"count":integer,"seconds":num,"repaired":{"type":"integer","description":"Events raised in the period and cleared since."},"repairSeconds":num,"meanTimeToRepair":{"type":["number","null"],"description":"Seconds from raised to cleared, on average; null when none was repaired."}},["count","seconds","repaired","repairSeconds","meanTimeToRepair"]),
 "PictureSize": obj({"width":integer,"height":integer},["width","height"]),
 "AssessmentRow": obj({"scope":{"type":"string","enum":["total","grid","location","camera"]},"id":st,"name":st,"level":{"type":"string","enum":["district","street","community","grid"]},"cameras":integer,
   "monitoredSeconds":num,"onlineSeconds":num,"faultFreeSeconds":num,"faultFreeConfirmedSeconds":num,"falseAlarms":integer,"recordingExpectedSeconds":num,"recordedSeconds":num,
   "sizedCameras":integer,"hdCameras":integer,"filedCameras":integer,"clockCheckedCameras":integer,"clockAccurateCameras":integer,"faults":{"type":"object","additionalProperties":ref("FaultFigures")},
   "pictureSize":ref("PictureSize"),"missingFiling":arr({"type":"string","enum":["coordinates","grid","purpose","retention","gb_id","manufacturer","model"]}),
   **{k:{"type":["number","null"],"description":"Percent; null where the whole is zero."} for k in ["onlinePercent","faultFreePercent","faultFreeConfirmedPercent","recordingCompletenessPercent","hdPercent","filingPercent","clockAccuracyPercent"]}},
   ["scope","id","name","cameras","monitoredSeconds","onlineSeconds","faultFreeSeconds","faultFreeConfirmedSeconds","falseAlarms","recordingExpectedSeconds","recordedSeconds","sizedCameras","hdCameras","filedCameras","clockCheckedCameras","clockAccurateCameras","faults","onlinePercent","faultFreePercent","faultFreeConfirmedPercent","recordingCompletenessPercent","hdPercent","filingPercent","clockAccuracyPercent"]),
 "AssessmentDay": obj({"date":{"type":"string","format":"date"},"from":time,"to":time,"onlinePercent":{"type":["number","null"]},"faultFreePercent":{"type":["number","null"]}},["date","from","to"]),
 "Assessment": obj({"from":time,"to":time,"generatedAt":time,"grid":st,"total":ref("AssessmentRow"),"grids":arr(ref("AssessmentRow")),"locations":arr(ref("AssessmentRow")),"cameras":arr(ref("AssessmentRow")),
   "worst":arr(ref("AssessmentRow")),"daily":arr(ref("AssessmentDay"))},["from","to","generatedAt","total","grids","locations","cameras","worst","daily"]),
 "Token": obj({"id":st,"name":st,"role":{"type":"string","enum":["viewer","operator","admin"]},"createdAt":time,"revokedAt":time},["id","name","role","createdAt"]),
 "TokenInput": {"type":"object","properties":{"name":{"type":"string","minLength":1,"maxLength":100},"role":{"type":"string","enum":["viewer","operator","admin"]}},"required":["name","role"]},
 "CreatedToken": obj({"token":{"type":"string","description":"Shown in this response only; only its hash is stored."},"record":ref("Token")},["token","record"]),
 "AuditEntry": obj({"sequence":integer,"at":time,"actor":st,"action":st,"target":st,"source":st,"detail":st},["sequence","at","actor","action","target","source"]),
 "Readiness": obj({"ready":boolean,"checks":{"type":"object","additionalProperties":st}},["ready","checks"]),
}
def resp(desc, schema=None, ctype="application/json"):
    r={"description":desc}
    if schema is not None: r["content"]={ctype:{"schema":schema}}
    return r
err=lambda d: resp(d, ref("Error"))
std={"400":err("A parameter or the body is not valid."),"401":err("No token, or an unknown or revoked one."),"403":err("The token's role is too low.")}
def op(summary, role, ok, params=(), body=None, extra=None, tag=None, security=True):
    o={"summary":summary,"description":f"Role: {role}." if role else "Open: no token needed.","responses":{**ok,**(std if security else {}),**(extra or {})}}
    if tag: o["tags"]=[tag]
    if params: o["parameters"]=list(params)
    if body: o["requestBody"]={"required":True,"content":{"application/json":{"schema":body}}}
    if not security: o["security"]=[]
    return o
def q(name, schema, desc=""): return {"name":name,"in":"query","required":False,"schema":schema,"description":desc}
# A path parameter is never empty (schemathesis drops generated requests with an empty one, and an operation whose
# examples are mostly dropped fails its health check); schema narrows it further where the server does.
def p(name,schema=None): return {"name":name,"in":"path","required":True,"schema":schema or {"type":"string","minLength":1}}
gop_bytes={"type":"string","pattern":"^[0-9]{1,15}-[0-9]{1,15}$","description":"OFFSET-LENGTH in bytes"}
gop_segment={"type":"string","pattern":"^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,120}[.](ts|jpg)$","description":"The segment's name, ending .ts (the GOP) or .jpg (its keyframe)"}
nf={"404":err("No such camera, or nothing recorded.")}
rng=[q("from",time,"Start (RFC 3339)."),q("to",time,"End (RFC 3339); default now.")]
evq=[q("device",st),q("grid",st,"This grid and every grid below it."),q("location",st,"Key location ID."),q("kind",{"type":"string"},"One kind or several, comma-separated: "+", ".join(kinds)),
     q("state",{"type":"string","enum":["open","cleared"]}),q("review",{"type":"string","enum":["confirmed","false","none"]},"Events reviewed so, or (none) not yet reviewed."),q("from",time),q("to",time)]
paths={
 "/healthz":{"get":op("The process is alive.",None,{"200":resp("ok",{"type":"string"},"text/plain")},security=False,tag="service")},
 "/readyz":{"get":op("The stores answer and ingest publishes its status.",None,{"200":resp("Ready",ref("Readiness")),"503":resp("Not ready",ref("Readiness"))},security=False,tag="service")},
 "/openapi.json":{"get":op("This document.",None,{"200":resp("OpenAPI 3.1",{"type":"object"})},security=False,tag="service")},
 "/metrics":{"get":op("Prometheus text: camera state, bitrate, frame rate, keyframes, analysis lag, export backlog and dead letters, open events.","viewer",{"200":resp("Prometheus exposition format 0.0.4",{"type":"string"},"text/plain")},tag="service")},
 "/api/whoami":{"get":op("The calling token.","viewer",{"200":resp("Its record",ref("Token"))},tag="service")},
 "/api/cameras":{
   "get":op("List cameras (stream URLs redacted).","viewer",{"200":resp("Cameras",arr(ref("Camera")))},[q("grid",st),q("location",st),q("tag",st),q("mode",{"type":"string","pattern":"^(record|patrol|off)(,(record|patrol|off))*$"},"One mode or several, comma-separated.")],tag="registry"),
   "post":op("Register a camera; it is linked to its grid and key locations, and recording starts within a second.","admin",{"201":resp("Added",ref("Camera")),"422":err("Invalid or taken ID, refused URL, or bad coordinates.")},body=ref("CameraInput"),tag="registry")},
 "/api/cameras/{id}":{
   "get":op("One camera.","viewer",{"200":resp("The camera",ref("Camera")),**nf},[p("id")],tag="registry"),
   "patch":op("Change the fields given.","admin",{"200":resp("Changed",ref("Camera")),**nf,"422":err("Invalid value.")},[p("id")],body=ref("CameraInput"),tag="registry"),
   "delete":op("Remove a camera (its recordings stay until retention removes them).","admin",{"204":resp("Removed"),**nf},[p("id")],tag="registry")},
 "/api/cameras/{id}/status":{"get":op("The camera's live status.","viewer",{"200":resp("Status",ref("CameraStatus")),**nf},[p("id")],tag="status")},
 "/api/cameras/{id}/visits":{"get":op("A camera's patrol visits, newest first (default: all; at most 'limit').","viewer",{"200":resp("Visits",arr(ref("PatrolVisit"))),"404":err("No such camera.")},[p("id"),*rng,q("limit",{"type":"integer","minimum":1,"maximum":1000})],tag="status")},
 "/api/patrol/rounds":{"get":op("The finished patrol rounds, newest first, with their visits by outcome.","viewer",{"200":resp("Rounds",arr(ref("PatrolRound")))},[q("limit",{"type":"integer","minimum":1,"maximum":1000},"How many (default 20).")],tag="status")},
 "/api/patrol/run-now":{"post":op("Visit every patrol camera now, or those of one grid (and the grids below it), ahead of the routine order, even in a quiet window; the running patrol takes the request within a second. Audited.","operator",{"200":resp("The request",ref("PatrolRunAnswer")),"404":err("No such grid.")},[q("grid",st,"A grid's ID.")],tag="status")},
 "/api/patrol/latest":{"get":op("Every patrol camera's latest visit in brief (no keyframe statistics): what the dashboard's map colours patrol cameras by. Cameras never visited are absent.","viewer",{"200":resp("The latest visits",arr(ref("PatrolVisitBrief"))),"404":err("No such grid.")},[q("grid",st,"Only cameras in this grid or below.")],tag="status")},
 "/api/patrol":{"get":op("Patrol inspection: the round's progress as the service last published it, and every patrol camera with its latest visit, oldest visit first.","viewer",{"200":resp("The patrol",ref("PatrolReport")),"404":err("No such grid.")},[q("grid",st,"Only cameras in this grid or below."),q("limit",{"type":"integer","minimum":1,"maximum":100000},"Only the first cameras of the list, visited longest ago.")],tag="status")},
 "/api/cameras/{id}/health":{"get":op("Health transitions (default: the last 24 h).","viewer",{"200":resp("History",arr(ref("HealthRecord"))),**nf},[p("id"),*rng],tag="status")},
 "/api/cameras/{id}/coverage":{"get":op("Recorded spans and gaps (default: the last 24 h).","viewer",{"200":resp("Spans",arr(ref("CoverageSpan"))),**nf},[p("id"),*rng],tag="recording")},
 "/api/cameras/{id}/stats":{"get":op("Brightness, contrast and sharpness of analysed keyframes (default: the last hour; at most a day), averaged over at most 'points' equal stretches.","viewer",{"200":resp("Points",arr(ref("StatsPoint"))),**nf},[p("id"),*rng,q("points",{"type":"integer","minimum":1,"maximum":5000},"At most this many points (default 1000).")],tag="recording")},
 "/api/cameras/{id}/keyframes":{"get":op("Indexed keyframes, oldest first, a page at a time: time, segment, byte offset, statistics (default: the last hour; at most 31 days). Audited.","operator",{"200":resp("A page of keyframes",ref("KeyframePage")),**nf},[p("id"),*rng,q("limit",{"type":"integer","minimum":1,"maximum":2000},"Keyframes per page (default 1000)."),q("after",st,"The 'next' of the previous page.")],tag="recording")},
 "/api/cameras/{id}/seek":{"get":op("The keyframe at or before a time. Audited.","operator",{"200":resp("Keyframe",ref("Keyframe")),**nf},[p("id"),{**q("at",time,"The moment to find."),"required":True}],tag="recording")},
 "/api/cameras/{id}/snapshot":{"get":op("The last analysed keyframe as JPEG. Audited.","operator",{"200":resp("JPEG",{"type":"string","contentMediaType":"image/jpeg"},"image/jpeg"),**nf},[p("id")],tag="recording")},
 "/api/cameras/{id}/playback":{"post":op("A playlist URL to watch the camera: its recording from 'from' to 'to' (at most a day; default the last hour; starting at the keyframe at or before 'from'), or live with live=true. The URL carries a signed capability for this camera and range that expires in 10 minutes; never the token. Audited.","operator",{"201":resp("The playlist's URL",ref("PlaybackGrant")),**nf},[p("id"),*rng,q("live",{"type":"boolean"},"Live: a playlist that grows as keyframes are indexed.")],tag="recording")},
 "/api/wall":{"post":op("A keyframe wall: a tile per camera of a grid (and the grids below it), of a chosen list (in its order), or of every enabled camera, each with a thumbnail URL that carries a signed capability for that camera, expiring in 10 minutes; never the token. One audit row per wall opened, none per tile refreshed.","operator",{"201":resp("The wall's tiles",ref("WallGrant")),"400":err("Both grid and cameras, an empty list, or more than 500 cameras."),"404":err("No such grid or camera.")},[q("grid",st,"A grid's ID: its cameras and those of the grids below it."),q("cameras",st,"Camera IDs, comma-separated (1 to 500).")],tag="recording")},
 "/api/evidence":{"post":op("An evidence package as a zip: for each camera its clip (MP4, stream copy) and keyframe list (CSV), the cameras' events of the range (JSON), and manifest.json with who exported it when, the reason, and the SHA-256 of every other file. Audited before it is written. At most 16 cameras and 6 hours.","operator",{"200":resp("The package",{"type":"string","contentMediaType":"application/zip"},"application/zip"),"400":err("No cameras, too many, one named twice, or a missing or too long range."),"404":err("No such camera, or none has video in the range."),"429":err("Too many exports are running."),"507":err("Not enough free space.")},[q("cameras",st,"Camera IDs, comma-separated (1 to 16)."),*rng,q("reason",st,"Why it is exported (a case number); written into the manifest.")],tag="recording")},
 "/play/{capability}/thumbnail.jpg":{"get":op("The camera's latest thumbnail: a small JPEG of its last analysed keyframe, kept by the analyser (nothing is decoded to answer). Skygate-Keyframe-Time gives the keyframe's wall time.",None,{"200":resp("JPEG",{"type":"string","contentMediaType":"image/jpeg"},"image/jpeg"),"403":err("The capability is not valid or has expired."),"404":err("No thumbnail in the time the capability grants.")},[p("capability")],security=False,tag="recording")},
 "/play/{capability}/index.m3u8":{"get":op("An HLS playlist (VOD) of the capability's range: one byte range of a recorded MPEG-TS segment per GOP, with program date-times and discontinuities at gaps and restarts.",None,{"200":resp("HLS playlist",{"type":"string"},"application/vnd.apple.mpegurl"),"403":err("The capability is not valid or has expired."),"404":err("No such camera.")},[p("capability")],security=False,tag="recording")},
 "/play/{capability}/live.m3u8":{"get":op("A live HLS playlist (EVENT) that grows as keyframes are indexed; it starts three whole GOPs behind the newest keyframe, where players start (RFC 8216, 6.3.3).",None,{"200":resp("HLS playlist",{"type":"string"},"application/vnd.apple.mpegurl"),"403":err("The capability is not valid or has expired."),"404":err("No such camera.")},[p("capability")],security=False,tag="recording")},
 "/play/{capability}/{gop}/{segment}":{"get":op("One GOP of a recorded segment as a resource of its own (the entries of a live playlist): gop is OFFSET-LENGTH in bytes, segment the segment's name. Answered whole, or in part for a Range (206). With the segment's name ending .jpg instead of .ts, the GOP's keyframe as a JPEG, decoded by the gateway: what the dashboard shows of a camera whose video the browser cannot play (HEVC in Chromium). Granted like the segment.",None,{"200":{"description":"MPEG-TS, or a JPEG for a .jpg name","content":{"video/mp2t":{"schema":{"type":"string","contentMediaType":"video/mp2t"}},"image/jpeg":{"schema":{"type":"string","contentMediaType":"image/jpeg"}}}},"206":resp("Part of the GOP",{"type":"string","contentMediaType":"video/mp2t"},"video/mp2t"),"400":err("Not OFFSET-LENGTH/SEGMENT.ts or OFFSET-LENGTH/SEGMENT.jpg."),"403":err("The capability is not valid, has expired, or does not grant that segment."),"404":err("The segment does not hold those bytes, or no keyframe at that offset."),"416":err("The range is outside the GOP.")},[p("capability"),p("gop",gop_bytes),p("segment",gop_segment)],security=False,tag="recording")},
 "/play/{capability}/{segment}":{"get":op("A recorded segment named in a playlist, with Range requests answered (206). Served only when the capability is valid and its camera has a keyframe in the segment within its range.",None,{"200":resp("MPEG-TS",{"type":"string","contentMediaType":"video/mp2t"},"video/mp2t"),"206":resp("Part of the segment",{"type":"string","contentMediaType":"video/mp2t"},"video/mp2t"),"400":err("Not a segment's name."),"403":err("The capability is not valid, has expired, or does not grant that segment."),"404":err("Not a segment's path.")},[p("capability"),p("segment")],security=False,tag="recording")},
 "/api/cameras/{id}/clip":{"get":op("An MP4 clip cut from the recording without transcoding, starting on the keyframe at or before 'from'. Audited.","operator",{"200":resp("MP4",{"type":"string","contentMediaType":"video/mp4"},"video/mp4"),**nf},[p("id"),{**q("from",time),"required":True},q("duration",{"type":"number","minimum":1,"maximum":3600},"Seconds (default 60).")],tag="recording")},
 "/api/grids":{"get":op("List grids.","viewer",{"200":resp("Grids",arr(ref("Grid")))},tag="registry"),
   "put":op("Add or update grids from a GeoJSON FeatureCollection, as `skygate registry import` takes grids.geojson.","admin",{"200":resp("Counts",ref("ImportSummary")),"422":err("Every problem, by feature and field; nothing written.")},body=ref("FeatureCollection"),tag="registry")},
 "/api/grids/{id}":{"get":op("One grid.","viewer",{"200":resp("The grid",ref("Grid")),"404":err("No such grid.")},[p("id")],tag="registry")},
 "/api/grids/{id}/mode":{"put":op("Set the mode of every camera in the grid and in the grids below it; audited once with the count.","admin",{"200":resp("How many cameras changed mode",obj({"grid":st,"mode":mode,"changed":{"type":"integer","minimum":0}},["grid","mode","changed"])),"404":err("No such grid."),"422":err("No mode given.")},[p("id")],body={"type":"object","additionalProperties":False,"properties":{"mode":mode},"required":["mode"]},tag="registry")},
 "/api/locations":{"get":op("List key locations.","viewer",{"200":resp("Key locations",arr(ref("KeyLocation")))},tag="registry"),
   "put":op("Add or update key locations from a GeoJSON FeatureCollection (key-locations.geojson).","admin",{"200":resp("Counts",ref("ImportSummary")),"422":err("Every problem; nothing written.")},body=ref("FeatureCollection"),tag="registry")},
 "/api/map/grids":{"get":op("Grid polygons as GeoJSON, for maps.","viewer",{"200":resp("GeoJSON",ref("FeatureCollection"),"application/geo+json")},tag="registry")},
 "/api/map/locations":{"get":op("Key locations as GeoJSON, for maps.","viewer",{"200":resp("GeoJSON",ref("FeatureCollection"),"application/geo+json")},tag="registry")},
 "/api/sensors":{"get":op("List sensors.","viewer",{"200":resp("Sensors",arr(ref("Sensor")))},[q("grid",st),q("location",st)],tag="registry")},
 "/api/sensors/{id}":{
   "get":op("One sensor.","viewer",{"200":resp("The sensor",ref("Sensor")),"404":err("No such sensor.")},[p("id")],tag="registry"),
   "put":op("Add or replace a sensor.","admin",{"200":resp("Replaced",ref("Sensor")),"201":resp("Added",ref("Sensor")),"422":err("Invalid value.")},[p("id")],body=ref("SensorInput"),tag="registry"),
   "delete":op("Remove a sensor.","admin",{"204":resp("Removed"),"404":err("No such sensor.")},[p("id")],tag="registry")},
 "/api/sensors/{id}/alarms":{"post":op("A sensor's alarm (active, default) or its end (active false). Send an Idempotency-Key: a resend answers the first event with 200 instead of recording another.","operator",
   {"201":resp("Recorded",ref("Event")),"200":resp("Already recorded under this Idempotency-Key",ref("Event")),"404":err("No such sensor."),"409":err("No open alarm to clear."),"422":err("Invalid alarm.")},
   [p("id"),{"name":"Idempotency-Key","in":"header","required":False,"schema":{"type":"string","minLength":1,"maxLength":200}}],body=ref("SensorAlarmInput"),tag="events")},
 "/api/gb/devices":{"get":op("GB/T 28181 devices allowed to register over SIP, with their registration (never their passwords).","viewer",{"200":resp("Devices",arr(ref("GBDevice")))},tag="gb28181")},
 "/api/gb/devices/{id}":{
   "get":op("One GB/T 28181 device.","viewer",{"200":resp("The device",ref("GBDevice")),"404":err("No such device.")},[p("id")],tag="gb28181"),
   "put":op("Allow a device to register, or change its name, transport and password (required: each device has its own).","admin",{"200":resp("Replaced",ref("GBDevice")),"201":resp("Added",ref("GBDevice")),"422":err("Invalid value.")},[p("id")],body=ref("GBDeviceInput"),tag="gb28181"),
   "delete":op("Stop a device from registering (its cameras stay).","admin",{"204":resp("Removed"),"404":err("No such device.")},[p("id")],tag="gb28181")},
 "/api/gb/devices/{id}/refresh":{"post":op("Ask a registered device again for its catalog and device information (audited); the answers land in the registry a moment later.","operator",{"202":resp("Asked"),"404":err("No such device."),"409":err("The device is not registered and online, or this gateway runs no SIP server.")},[p("id")],tag="gb28181")},
 "/api/status":{"get":op("The service and every camera.","viewer",{"200":resp("Status",ref("ServiceReport"))},tag="status")},
 "/api/events":{"get":op("Events, newest first, with the CLI's filters; page with 'before'.","viewer",{"200":resp("A page",ref("EventPage"))},[*evq,q("limit",{"type":"integer","minimum":1,"maximum":1000}),q("before",st,"The previous page's 'next'.")],tag="events")},
 "/api/events/stream":{"get":op("Server-Sent Events: each event recorded from now on (event: open or cleared; data: the Event JSON), with the same filters.","viewer",{"200":resp("An endless stream",{"type":"string"},"text/event-stream")},evq,tag="events")},
 "/api/events/{id}":{"get":op("One event.","viewer",{"200":resp("The event",ref("Event")),"404":err("No such event.")},[p("id")],tag="events")},
 "/api/events/{id}/review":{"post":op("Review an event (复核): confirmed or a false alarm, with a note; a later review replaces it. A false alarm is kept, shown as such, and not counted against fault-free time. Audited with the verdict.","operator",{"200":resp("The event",ref("Event")),"400":err("Not JSON, an unknown field, or a verdict other than confirmed or false."),"404":err("No such event."),"422":err("No verdict, or a note too long or with control characters.")},[p("id")],body=ref("EventReviewInput"),tag="events")},
 "/api/events/reviews":{"get":op("Events by camera and kind with their verdicts, for events raised in the range (default: all), most false alarms first, with a suggested setting where false alarms are a habit.","viewer",{"200":resp("Tallies",arr(ref("ReviewTally")))},[q("from",time),q("to",time)],tag="events")},
 "/api/events/{id}/acknowledge":{"post":op("Acknowledge an event (the first acknowledgement stands). Audited.","operator",{"200":resp("The event",ref("Event")),"404":err("No such event.")},[p("id")],tag="events")},
 "/api/reports/availability":{"get":op("Online % and fault-free % per camera, grid or key location (default: the last 24 h).","viewer",{"200":resp("Rows",arr(ref("AvailabilityRow")))},
   [*rng,q("by",{"type":"string","enum":["camera","grid","location"]}),q("daily",flag,"One row per local day."),q("grid",st,"Only cameras in this grid or below.")],tag="reports")},
 "/api/reports/assessment":{"get":op("The assessment report (考核) for a day, a month or a range (default: the last 24 h): online, fault-free (all faults, and confirmed ones only), recording completeness, HD, filing completeness and clock accuracy, faults by kind with mean time to repair; for everything, each grid, each key location and each camera, with the worst cameras and each local day's rates.","viewer",
   {"200":{"description":"The report: JSON, CSV (UTF-8 with a byte-order mark) or a printable HTML page","content":{"application/json":{"schema":ref("Assessment")},"text/csv":{"schema":st},"text/html":{"schema":st}}}},
   [*rng,q("day",{"type":"string","pattern":"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},"A local day, yyyy-mm-dd (instead of from and to)."),q("month",{"type":"string","pattern":"^[0-9]{4}-[0-9]{2}$"},"A local month, yyyy-mm."),
    q("timeZone",st,"The IANA time zone of days and months (default: the gateway's)."),q("grid",st,"Only cameras in this grid or below."),q("format",{"type":"string","enum":["json","csv","html"]})],tag="reports")},
 "/api/tokens":{"get":op("List tokens (never the tokens themselves).","admin",{"200":resp("Tokens",arr(ref("Token")))},tag="admin"),
   "post":op("Make a token; the response is the only time it is shown. Audited.","admin",{"201":resp("Made",ref("CreatedToken")),"422":err("Invalid name.")},body=ref("TokenInput"),tag="admin")},
 "/api/tokens/{id}":{"delete":op("Revoke a token. Audited.","admin",{"204":resp("Revoked"),"404":err("No active token with this ID.")},[p("id")],tag="admin")},
 "/api/audit":{"get":op("The audit trail, oldest first: who viewed or exported video, and who changed the registry or tokens.","admin",{"200":resp("Entries",arr(ref("AuditEntry")))},
   [q("from",time),q("to",time),q("actor",st),q("action",st,"An action or its prefix, e.g. clip or token."),q("limit",{"type":"integer","minimum":1,"maximum":100000})],tag="admin")},
}
doc={"openapi":"3.1.0","info":{"title":"Skygate gateway API","version":"1.0.0","description":"The HTTP API of `skygate serve`: the camera registry, status, recordings, events and reports of one edge gateway. Every /api route and /metrics needs 'Authorization: Bearer <token>'; each states the least role it needs (viewer < operator < admin). Times are RFC 3339. Stream URLs are always shown with their passwords redacted."},
 "servers":[{"url":"/"}],"security":[{"bearer":[]}],
 "components":{"securitySchemes":{"bearer":{"type":"http","scheme":"bearer","description":"A token from `skygate token create` or POST /api/tokens."}},"schemas":schemas},
 "paths":paths}
print(json.dumps(doc,indent=1,ensure_ascii=False))
