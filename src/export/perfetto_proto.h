/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Field numbers of the part of Perfetto's trace format the exporter
 * writes, named as upstream names them (message_field), from google/perfetto
 * protos/perfetto/trace/ at commit ec5d16b14b743ba6063d720956d6d6af6610fd72:
 * trace.proto, trace_packet.proto, trace_packet_defaults.proto,
 * clock_snapshot.proto, interned_data/interned_data.proto,
 * track_event/{track_event,track_descriptor,counter_descriptor,
 * debug_annotation}.proto.  tests/fixtures/perfetto/
 * netscope_perfetto_subset.proto is the same subset as a .proto, for the
 * protoc decode test; keep the two in step.
 */
#ifndef NS_EXPORT_PERFETTO_PROTO_H
#define NS_EXPORT_PERFETTO_PROTO_H

enum {
	TRACE_packet = 1,

	TRACE_PACKET_clock_snapshot = 6,
	TRACE_PACKET_timestamp = 8,
	TRACE_PACKET_trusted_packet_sequence_id = 10,
	TRACE_PACKET_track_event = 11,
	TRACE_PACKET_interned_data = 12,
	TRACE_PACKET_sequence_flags = 13,
	TRACE_PACKET_trace_packet_defaults = 59,
	TRACE_PACKET_track_descriptor = 60,
	TRACE_PACKET_first_packet_on_sequence = 87,

	/* TracePacket.SequenceFlags */
	SEQ_INCREMENTAL_STATE_CLEARED = 1,
	SEQ_NEEDS_INCREMENTAL_STATE = 2,

	TRACE_PACKET_DEFAULTS_track_event_defaults = 11,
	TRACE_PACKET_DEFAULTS_timestamp_clock_id = 58,

	CLOCK_SNAPSHOT_clocks = 1,
	CLOCK_SNAPSHOT_primary_trace_clock = 2,
	CLOCK_clock_id = 1,
	CLOCK_timestamp = 2,
	/* BuiltinClock (protos/perfetto/common/builtin_clock.proto) */
	BUILTIN_CLOCK_REALTIME = 1,
	BUILTIN_CLOCK_MONOTONIC = 3,

	INTERNED_DATA_event_categories = 1,
	INTERNED_DATA_event_names = 2,
	INTERNED_DATA_debug_annotation_names = 3,
	/* EventCategory, EventName, DebugAnnotationName: all { iid = 1; name = 2; } */
	INTERNED_iid = 1,
	INTERNED_name = 2,

	TRACK_DESCRIPTOR_uuid = 1,
	TRACK_DESCRIPTOR_name = 2,
	TRACK_DESCRIPTOR_parent_uuid = 5,
	TRACK_DESCRIPTOR_counter = 8,
	TRACK_DESCRIPTOR_child_ordering = 11,
	TRACK_DESCRIPTOR_sibling_order_rank = 12,
	TRACK_DESCRIPTOR_description = 14,
	/* TrackDescriptor.ChildTracksOrdering */
	CHILD_ORDERING_EXPLICIT = 3,

	COUNTER_DESCRIPTOR_unit_name = 6,

	TRACK_EVENT_category_iids = 3,
	TRACK_EVENT_debug_annotations = 4,
	TRACK_EVENT_type = 9,
	TRACK_EVENT_name_iid = 10,
	TRACK_EVENT_track_uuid = 11,
	TRACK_EVENT_counter_value = 30,
	TRACK_EVENT_flow_ids = 47,
	TRACK_EVENT_terminating_flow_ids = 48,
	/* TrackEvent.Type */
	TYPE_SLICE_BEGIN = 1,
	TYPE_SLICE_END = 2,
	TYPE_INSTANT = 3,
	TYPE_COUNTER = 4,

	DEBUG_ANNOTATION_name_iid = 1,
	DEBUG_ANNOTATION_bool_value = 2,
	DEBUG_ANNOTATION_uint_value = 3,
	DEBUG_ANNOTATION_int_value = 4,
	DEBUG_ANNOTATION_string_value = 6,
	DEBUG_ANNOTATION_pointer_value = 7,
	DEBUG_ANNOTATION_array_values = 12,
};

#endif
