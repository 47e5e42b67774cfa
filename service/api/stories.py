"""/v1/stories: documents grouped by the incident they report on (see service.story)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from service.api.io import found, page_json, pipeline, read_query, story_detail_json, story_json
from service.api.openapi import documented
from service.api.schemas import StoriesQuery, StoryDetailOut, StoryPage, StoryQuery

bp = Blueprint("stories", __name__)


@bp.get("/stories")
@documented("Stories, newest first, filtered", query=StoriesQuery, responses={200: StoryPage}, tag="stories",
            links={
                "stories_get_story": {"story_id": "$response.body#/data/0/id"},
                "stories_list_stories": {"cursor": "$response.body#/next_cursor"},
            })
def list_stories():
    q = read_query(StoriesQuery)
    page = pipeline().store.list_stories(source=q.source, since=q.since, until=q.until,
                                        min_documents=q.min_documents, limit=q.limit, cursor=q.cursor)
    return jsonify(page_json(page, story_json))


@bp.get("/stories/<story_id>")
@documented("A story with its documents, a timeline of its dated claims, its agreements and contradictions",
            query=StoryQuery, responses={200: StoryDetailOut}, tag="stories",
            links={
                "documents_get_document": {"document_id": "$response.body#/documents/0/id"},
                "claims_get_claim": {"claim_id": "$response.body#/timeline/0/id"},
            })
def get_story(story_id: str):
    q = read_query(StoryQuery)
    return jsonify(found(story_detail_json(pipeline().store, story_id, q.limit), "story", story_id))
