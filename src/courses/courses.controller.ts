import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { UuidParam } from '../common/uuid-param';
import { CoursesService } from './courses.service';
import { CreateCourseDto } from './dto/create-course.dto';
import { ListCoursesQuery } from './dto/list-courses.query';
import { UpdateCourseDto } from './dto/update-course.dto';

@ApiTags('courses')
@Controller('courses')
export class CoursesController {
  constructor(private readonly courses: CoursesService) {}

  @Roles('admin', 'tutor')
  @Get()
  @ApiOperation({ summary: 'List courses' })
  list(@Query() q: ListCoursesQuery) {
    return this.courses.list(q);
  }

  @Roles('admin')
  @Post()
  @ApiOperation({ summary: 'Create a course with its targets, assessments and default rules' })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateCourseDto) {
    return this.courses.create(actor, dto);
  }

  @Roles('admin', 'tutor')
  @Get(':courseId')
  @ApiOperation({ summary: 'One course' })
  get(@UuidParam('courseId') id: string) {
    return this.courses.get(id);
  }

  @Roles('admin')
  @Patch(':courseId')
  @ApiOperation({ summary: 'Change a course (only the fields sent)' })
  update(
    @CurrentActor() actor: Actor,
    @UuidParam('courseId') id: string,
    @Body() dto: UpdateCourseDto,
  ) {
    return this.courses.update(actor, id, dto);
  }
}
